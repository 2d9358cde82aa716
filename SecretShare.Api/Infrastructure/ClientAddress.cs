using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.HttpOverrides;
using IPNetwork = System.Net.IPNetwork;
using Microsoft.Extensions.Options;
using SecretShare.Hosting;

namespace SecretShare.Api.Infrastructure;

/// <summary>
/// The proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed (section
/// <c>SecretShare:ForwardedHeaders</c>). Empty, the default: the client is the peer of the connection and forwarded
/// headers are ignored, so a client that reaches the port directly cannot choose its own address.
/// </summary>
public sealed class ForwardedHeadersSettings
{
    public const string SectionName = "SecretShare:ForwardedHeaders";

    /// <summary>The host's own switch, which trusts forwarded headers from any peer: refused.</summary>
    internal const string HostSwitch = "FORWARDEDHEADERS_ENABLED";

    /// <summary>Proxy addresses, separated by commas or spaces, such as <c>10.0.0.5, fd00::5</c>.</summary>
    public string TrustedProxies { get; set; } = "";

    /// <summary>Proxy networks in CIDR notation, separated by commas or spaces, such as <c>10.0.0.0/8</c>.</summary>
    public string TrustedNetworks { get; set; } = "";

    internal IEnumerable<string> ProxyEntries => Split(TrustedProxies);

    internal IEnumerable<string> NetworkEntries => Split(TrustedNetworks);

    internal bool TrustsAnyProxy => ProxyEntries.Any() || NetworkEntries.Any();

    private static string[] Split(string list) => list.Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    internal sealed class Validator(IConfiguration configuration) : IValidateOptions<ForwardedHeadersSettings>
    {
        public ValidateOptionsResult Validate(string? name, ForwardedHeadersSettings options)
        {
            List<string> failures = [];
            if (bool.TryParse(configuration[HostSwitch], out var enabled) && enabled)
            {
                failures.Add($"ASPNETCORE_FORWARDEDHEADERS_ENABLED trusts X-Forwarded-For from any peer; unset it and name the proxies in {SectionName}:TrustedProxies or TrustedNetworks");
            }

            failures.AddRange(options.ProxyEntries.Where(entry => !IPAddress.TryParse(entry, out _))
                .Select(entry => $"'{entry}' at '{SectionName}:TrustedProxies' is not an IP address"));
            failures.AddRange(options.NetworkEntries.Where(entry => !IPNetwork.TryParse(entry, out _))
                .Select(entry => $"'{entry}' at '{SectionName}:TrustedNetworks' is not a network in CIDR notation such as 10.0.0.0/8"));
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}

public static class ClientAddress
{
    public static IServiceCollection AddTrustedForwardedHeaders(this IServiceCollection services)
    {
        services.AddOptions<ForwardedHeadersSettings>().BindStartupConfiguration(ForwardedHeadersSettings.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ForwardedHeadersSettings>, ForwardedHeadersSettings.Validator>();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ForwardedHeadersSettings>>((forwarded, configured) =>
        {
            var settings = configured.Value;
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;

            // Only the configured proxies: not the loopback defaults, which would trust anyone on the same host.
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in settings.ProxyEntries)
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            }

            foreach (var network in settings.NetworkEntries)
            {
                forwarded.KnownIPNetworks.Add(IPNetwork.Parse(network));
            }

            // Through a chain of trusted proxies to the first address that is not one: the client.
            forwarded.ForwardLimit = null;
        });
        return services;
    }

    /// <summary>Before anything that reads the client's address (rate limits).</summary>
    public static WebApplication UseTrustedForwardedHeaders(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<ForwardedHeadersSettings>>().Value.TrustsAnyProxy)
        {
            app.UseForwardedHeaders();
        }

        return app;
    }

    /// <summary>
    /// Whom a limit counts: an IPv4 address, or the /64 of an IPv6 address. One IPv6 subscriber holds at least a
    /// whole /64 and can pick any address in it, so a per-address limit would not limit it at all.
    /// </summary>
    public static string PartitionKey(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }
}
