using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SecretShare.Hosting;

public static class StartupOptionsBinding
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> to the configuration section at <paramref name="sectionPath"/>, like
    /// <c>BindConfiguration</c>, except that a value the binder cannot convert (<c>MaxViews=abc</c>, <c>Enabled=yes</c>)
    /// stops start-up with one line naming the key and the value instead of an unhandled exception.
    /// </summary>
    public static OptionsBuilder<TOptions> BindStartupConfiguration<TOptions>(this OptionsBuilder<TOptions> builder, string sectionPath)
        where TOptions : class =>
        builder.Configure<IConfiguration>((options, configuration) =>
        {
            try
            {
                configuration.GetSection(sectionPath).Bind(options);
            }
            catch (InvalidOperationException ex)
            {
                // The binder's message names the key and the value: "Failed to convert configuration value 'abc' at 'X:Y' to type 'System.Int32'."
                throw new StartupConfigurationException($"Invalid configuration: {ex.Message}", ex);
            }
        });
}
