using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace SecretShare.Api.Secrets;

/// <summary>Defaults and bounds of SPEC section 2 (section <c>SecretShare:Limits</c>), validated at start-up.</summary>
public sealed class SecretLimitsOptions
{
    public const string SectionName = "SecretShare:Limits";

    [Range(1, int.MaxValue)]
    public int MinExpiresInSeconds { get; set; } = 60;

    [Range(1, int.MaxValue)]
    public int MaxExpiresInSeconds { get; set; } = 2_592_000;

    [Range(1, int.MaxValue)]
    public int DefaultExpiresInSeconds { get; set; } = 86_400;

    /// <summary>
    /// How long after its creation an extendable secret can live at most, however often it is extended; 90 days by
    /// default. Extend moves the expiry up to now + <see cref="MaxExpiresInSeconds"/> but never past this.
    /// </summary>
    [Range(1, int.MaxValue)]
    public int MaxLifetimeSeconds { get; set; } = 7_776_000;

    [Range(1, int.MaxValue)]
    public int MaxViews { get; set; } = 100;

    [Range(1, int.MaxValue)]
    public int DefaultMaxViews { get; set; } = 1;

    /// <summary>Decoded payload size; DynamoDB's 400 KB item limit caps it.</summary>
    [Range(29, 380_000)]
    public int MaxPayloadBytes { get; set; } = 262_144;

    [Range(1, 1000)]
    public int MaxFailedAttempts { get; set; } = 5;

    /// <summary>The largest request body: the payload in base64url plus room for the other fields.</summary>
    public long MaxRequestBodyBytes => (MaxPayloadBytes + 2) / 3 * 4 + 4096;

    /// <summary>The rules between fields, which data annotations cannot express.</summary>
    public sealed class Validator : IValidateOptions<SecretLimitsOptions>
    {
        public ValidateOptionsResult Validate(string? name, SecretLimitsOptions options)
        {
            List<string> failures = [];
            if (options.MinExpiresInSeconds > options.DefaultExpiresInSeconds || options.DefaultExpiresInSeconds > options.MaxExpiresInSeconds)
            {
                failures.Add("SecretShare:Limits requires MinExpiresInSeconds <= DefaultExpiresInSeconds <= MaxExpiresInSeconds");
            }

            if (options.MaxLifetimeSeconds < options.MaxExpiresInSeconds)
            {
                failures.Add("SecretShare:Limits requires MaxExpiresInSeconds <= MaxLifetimeSeconds");
            }

            if (options.DefaultMaxViews > options.MaxViews)
            {
                failures.Add("SecretShare:Limits requires DefaultMaxViews <= MaxViews");
            }

            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
