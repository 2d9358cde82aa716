using System.CommandLine;
using System.CommandLine.Invocation;
using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using SecretShare.Client;

namespace SecretShare.Cli;

/// <summary>
/// The <c>secretshare</c> command line. <see cref="RunAsync(string[], TextReader, TextWriter, TextWriter, IReadOnlyDictionary{string, string}?, HttpMessageHandler?, CancellationToken)"/>
/// runs it in-process (tests); Program.cs runs it on the real console.
/// </summary>
public static class CliApp
{
    /// <summary>
    /// Runs one invocation in-process: stdin is never a terminal (no prompts), output goes to the given
    /// writers, and environment variables come only from <paramref name="environment"/>.
    /// </summary>
    /// <returns>The exit code (see <see cref="ExitCodes"/>).</returns>
    public static Task<int> RunAsync(
        string[] args,
        TextReader stdin,
        TextWriter stdout,
        TextWriter stderr,
        IReadOnlyDictionary<string, string>? environment = null,
        HttpMessageHandler? httpHandler = null,
        CancellationToken cancellationToken = default) =>
        RunAsync(
            args,
            new CliHost
            {
                In = stdin,
                Out = stdout,
                Error = stderr,
                Environment = environment ?? new Dictionary<string, string>(),
                HttpHandler = httpHandler,
            },
            cancellationToken);

    /// <summary>Runs one invocation against an explicit host.</summary>
    public static async Task<int> RunAsync(string[] args, CliHost host, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(host);
        host = host.ForTerminal();
        var parseResult = CreateRootCommand(host).Parse(args);
        host.AllowInsecureTransport = parseResult.GetValue<bool>(CliOptions.InsecureName);
        var parseError = parseResult.Action as ParseErrorAction;
        if (parseError is not null)
        {
            // Help would go to stdout, which is for data only; point to it on stderr instead.
            parseError.ShowHelp = false;
        }

        var configuration = new InvocationConfiguration
        {
            // On a parse error nothing is data: typo suggestions ("Did you mean ...") go to stderr too.
            Output = parseError is null ? host.Out : host.Error,
            Error = host.Error,
        };

        if (!host.IsProcessConsole)
        {
            // In-process callers own the process: do not hook Ctrl-C or SIGTERM.
            configuration.ProcessTerminationTimeout = null;
        }

        var exitCode = await parseResult.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        if (parseError is not null)
        {
            await host.Error.WriteLineAsync("Run 'secretshare --help' or 'secretshare COMMAND --help' for usage.").ConfigureAwait(false);
        }

        await host.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
        await host.Error.FlushAsync(cancellationToken).ConfigureAwait(false);
        return exitCode;
    }

    /// <summary>The command tree bound to <paramref name="host"/>.</summary>
    public static RootCommand CreateRootCommand(CliHost host) =>
        new($"""
            SecretShare: share a secret through a link that works a limited number of times and for a
            limited time. The secret is encrypted on this machine; the key travels only in the link.

            {ExitCodes.HelpText}
            """)
        {
            CliOptions.Insecure(),
            SendCommand.Create(host),
            GetCommand.Create(host),
            ExtendCommand.Create(host),
            DeleteCommand.Create(host),
            StatusCommand.Create(host),
        };

    /// <summary>Runs a command body and turns every expected failure into a message on stderr and an exit code.</summary>
    internal static async Task<int> GuardAsync(CliHost host, Func<Task<int>> body, CancellationToken cancellationToken)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (CliException ex)
        {
            return Fail(host, ex.ExitCode, ex.Message);
        }
        catch (SecretShareApiException ex)
        {
            var (exitCode, message) = Describe(ex);
            return Fail(host, exitCode, message);
        }
        catch (SecretDecryptionException ex)
        {
            return Fail(host, ExitCodes.WrongPassphrase, ex.Message);
        }
        catch (HttpRequestException ex)
        {
            return Fail(host, ExitCodes.ServerError, $"Could not reach the server: {ex.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Fail(host, ExitCodes.ServerError, "The server did not answer in time.");
        }
        catch (PlatformNotSupportedException ex)
        {
            return Fail(host, ExitCodes.Usage, ex.Message);
        }
    }

    internal static (int ExitCode, string Message) Describe(SecretShareApiException ex) => ex.StatusCode switch
    {
        HttpStatusCode.NotFound => (ExitCodes.Gone,
            "The secret is gone: it expired, was viewed the allowed number of times, was deleted, or never existed."),
        HttpStatusCode.Forbidden when ex.IsNotExtendable => (ExitCodes.Usage, "This secret was created without permission to extend it."),
        HttpStatusCode.Forbidden => (ExitCodes.WrongPassphrase, "Wrong passphrase." + AttemptsText(ex.AttemptsRemaining)),
        HttpStatusCode.TooManyRequests => (ExitCodes.RateLimited, ex.RetryAfter is { } wait
            ? $"Rate limited by the server: try again in {Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds))} seconds."
            : "Rate limited by the server: try again later."),
        HttpStatusCode.RequestEntityTooLarge => (ExitCodes.Usage, "The secret is too large for this server."),
        HttpStatusCode.BadRequest => (ExitCodes.Usage, "The server rejected the request: " + Explain(ex)),
        _ => (ExitCodes.ServerError, "Server error: " + ex.Message),
    };

    internal static string AttemptsText(int? attemptsRemaining) => attemptsRemaining switch
    {
        null => "",
        <= 0 => " No attempts left: the secret has been deleted.",
        1 => " 1 attempt left before the secret is deleted.",
        var n => $" {n} attempts left before the secret is deleted.",
    };

    internal static HttpClient CreateHttpClient(CliHost host)
    {
        var http = host.HttpHandler is null ? new HttpClient() : new HttpClient(host.HttpHandler, disposeHandler: false);
        http.Timeout = TimeSpan.FromSeconds(60);
        var version = typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0";
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("secretshare-cli", version.Split('+')[0]));
        return http;
    }

    /// <summary>
    /// --server, else $SECRETSHARE_URL, else <paramref name="fallback"/> (the link's own server); refused before any request
    /// when it is plain http to another machine without --insecure.
    /// </summary>
    internal static Uri? ResolveServer(CliHost host, Uri? option, Uri? fallback)
    {
        var server = option;
        if (server is null && host.GetEnvironmentVariable(CliOptions.ServerEnvironmentVariable) is { } fromEnvironment)
        {
            server = CliOptions.TryParseServer(fromEnvironment.Trim(), out var uri)
                ? uri
                : throw CliException.Usage($"{CliOptions.ServerEnvironmentVariable} must be an http or https URL, not '{fromEnvironment}'.");
        }

        server ??= fallback;

        // Access and manage tokens, and the ciphertext, would cross the network in clear; this machine's own loopback is not the network.
        if (server is not null && server.Scheme == Uri.UriSchemeHttp && !server.IsLoopback && !host.AllowInsecureTransport)
        {
            throw CliException.Usage(
                $"Refusing plain http to {server.Host}: tokens would travel in clear. Use https, or pass --insecure if this network is trusted.");
        }

        return server;
    }

    private static string Explain(SecretShareApiException ex)
    {
        var text = string.IsNullOrWhiteSpace(ex.Detail) ? ex.Title ?? ex.StatusCode.ToString() : ex.Detail;
        foreach (var (field, messages) in ex.Errors)
        {
            text += $"{Environment.NewLine}  {field}: {string.Join(" ", messages)}";
        }

        return text;
    }

    private static int Fail(CliHost host, int exitCode, string message)
    {
        host.Error.WriteLine($"error: {message}");
        return exitCode;
    }
}
