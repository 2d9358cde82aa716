using Microsoft.Extensions.Options;

namespace SecretShare.Storage.Configuration;

/// <summary>Runs a host so that misconfiguration ends it with one clear line on stderr and exit code 1.</summary>
public static class GuardedStartup
{
    public static async Task<int> RunAsync(Func<Task<int>> run)
    {
        try
        {
            return await run();
        }
        catch (StartupConfigurationException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
        }
        catch (OptionsValidationException ex)
        {
            await Console.Error.WriteLineAsync($"Invalid configuration: {string.Join("; ", ex.Failures)}");
        }

        return 1;
    }
}
