using SecretShare.Api;
using SecretShare.Hosting;
using SecretShare.Storage;

return await GuardedStartup.RunAsync(async () =>
{
    var builder = WebApplication.CreateBuilder(args);

    builder.AddGuardedStartup();
    builder.AddServiceDefaults();
    builder.AddSecretStorage();
    builder.AddSecretShareApi();

    var app = builder.Build();

    app.UseSecretShareApi();

    await app.RunAsync();
    return 0;
});
