using Microsoft.Extensions.Options;
using SecretShare.Api;
using SecretShare.Storage;
using SecretShare.Storage.Configuration;

return await GuardedStartup.RunAsync(async () =>
{
    var builder = WebApplication.CreateBuilder(args);

    builder.AddServiceDefaults();
    builder.AddSecretStorage();
    builder.AddSecretShareApi();

    var app = builder.Build();

    app.UseSecretShareApi();

    app.Services.GetRequiredService<IStartupValidator>().Validate();
    await app.Services.GetRequiredService<StorageInitializer>().InitializeAsync(app.Lifetime.ApplicationStopping);
    await app.RunAsync();
    return 0;
});
