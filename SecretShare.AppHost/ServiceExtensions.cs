/// <summary>What the AppHost gives every SecretShare service, and what only the API gets.</summary>
internal static class ServiceExtensions
{
    // The id under which events record the audit key; a rotation adds a new id and keeps the old key (deploy/README.md).
    private const string AuditKeyId = "local";

    /// <summary>
    /// A service without its launch profile, so that a plain `dotnet run` of the project and an Aspire run cannot
    /// interfere; in run mode it gets the AppHost's environment name (Development under its launch profile) in
    /// <paramref name="environmentVariable"/>, which nothing else would set.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddSecretShareService<TProject>(
        this IDistributedApplicationBuilder builder, string name, string environmentVariable)
        where TProject : IProjectMetadata, new()
    {
        var service = builder.AddProject<TProject>(name, options => options.ExcludeLaunchProfile = true);

        // Neither service serves HTTPS (TLS belongs to whatever fronts the API in production). Without this, Aspire
        // gives every project a developer-certificate HTTPS configuration, and on a machine with no trusted developer
        // certificate the dashboard opens every page with a red "No trusted development certificate" error.
#pragma warning disable ASPIRECERTIFICATES001 // Experimental in Aspire 13.6; the opt-out documented for resources that serve no TLS.
        service.WithoutHttpsCertificate();
#pragma warning restore ASPIRECERTIFICATES001

        if (builder.ExecutionContext.IsRunMode)
        {
            service.WithEnvironment(environmentVariable, builder.Environment.EnvironmentName);
        }

        return service;
    }

    /// <summary>
    /// The audit key that keys every secret's event chain and signs receipts (docs/design.md, "Audit keys"): a secret
    /// parameter, generated once and kept in this project's user secrets for local runs, so never a literal in a
    /// manifest; a deployment supplies its own.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddAuditKey(this IDistributedApplicationBuilder builder) =>
        // 43 characters of the base64 alphabet decode to the 32 bytes the API requires.
        builder.AddParameter("audit-key", new GenerateParameterDefault { MinLength = 43, Special = false }, secret: true, persist: true);

    /// <summary>For the API only: the cleanup worker appends no events.</summary>
    public static IResourceBuilder<ProjectResource> WithAuditKey(this IResourceBuilder<ProjectResource> api, IResourceBuilder<ParameterResource> key) =>
        api.WithEnvironment("SecretShare__Audit__CurrentKeyId", AuditKeyId)
            .WithEnvironment($"SecretShare__Audit__Keys__{AuditKeyId}", key);

    /// <summary>The Redis in which API replicas share their rate-limit counts (ConnectionStrings__redis).</summary>
#pragma warning disable ASPIRECERTIFICATES001 // As for the services above.
    public static IResourceBuilder<IResourceWithConnectionString> AddRateLimitStore(this IDistributedApplicationBuilder builder, DatabaseHosting hosting) =>
        hosting.LocalData is { } data
            ? builder.AddRedisExecutable("redis", data)
            // Its generated password is kept in this project's user secrets. Plain TCP like the services: a Redis that
            // Aspire configures for TLS would bring back the dashboard's certificate notice (docs/aspire.md).
            : builder.AddRedis("redis").WithoutHttpsCertificate();
#pragma warning restore ASPIRECERTIFICATES001
}
