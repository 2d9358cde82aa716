using System.CommandLine;
using System.Text.Json;
using SecretShare.Client;

namespace SecretShare.Cli;

/// <summary><c>secretshare request</c>: ask someone for a secret; the key pair is made here and its private half stays in the inbox link.</summary>
internal static class RequestCommand
{
    public static Command Create(CliHost host)
    {
        var expires = new Option<TimeSpan?>("--expires")
        {
            Description = "How long the request (and its answers) lives: 1h, 1d, 7d or 30d. Default 1d.",
            HelpName = "1h|1d|7d|30d",
            CustomParser = CliOptions.ParseDuration,
        };
        var answers = new Option<int?>("--answers")
        {
            Description = "How many answers it takes (server bound 20). Default 1.",
            HelpName = "N",
            CustomParser = CliOptions.ParseCount,
        };
        var server = CliOptions.Server();
        var json = new Option<bool>("--json") { Description = "Print one JSON object {fillInLink, inboxLink, id, expiresAt, maxAnswers, answerViews}." };
        var command = new Command("request", "Ask for a secret: print a fill-in link to send and a private inbox link to read the answers.")
        {
            expires, answers, server, json,
        };
        command.SetAction((parse, cancellationToken) => CliApp.GuardAsync(
            host,
            () => RunAsync(host, parse.GetValue(expires), parse.GetValue(answers), parse.GetValue(server), parse.GetValue(json), cancellationToken),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliHost host, TimeSpan? expires, int? answers, Uri? server, bool json, CancellationToken cancellationToken)
    {
        var baseUrl = CliApp.ResolveServer(host, server, fallback: null)
            ?? throw CliException.Usage($"No server: pass --server URL or set {CliOptions.ServerEnvironmentVariable}.");
        using var http = CliApp.CreateHttpClient(host);
        var created = await new RequestSharing(new SecretShareClient(http, baseUrl)).CreateAsync(expires, answers, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        if (json)
        {
            var output = new RequestOutput(
                created.FillInLink.ToString(), created.InboxLink.ToString(), created.FillInLink.Id, created.ExpiresAt, created.MaxAnswers, created.AnswerViews);
            await host.Out.WriteLineAsync(JsonSerializer.Serialize(output, CliJsonContext.Default.RequestOutput)).ConfigureAwait(false);
            return ExitCodes.Ok;
        }

        await host.Out.WriteLineAsync(created.FillInLink.ToString()).ConfigureAwait(false);
        await host.Out.WriteLineAsync(created.InboxLink.ToString()).ConfigureAwait(false);
        await host.Error.WriteLineAsync(
            $"Send the first link to the person who has the secret. Keep the second one private: it holds the key that reads the answers and is shown only now. " +
            $"Expires {Display.Time(created.ExpiresAt)}; takes {(created.MaxAnswers == 1 ? "1 answer" : $"{created.MaxAnswers} answers")}. " +
            "Read answers with: secretshare inbox INBOX_LINK").ConfigureAwait(false);
        return ExitCodes.Ok;
    }
}

/// <summary>The --json output of request.</summary>
internal sealed record RequestOutput(string FillInLink, string InboxLink, string Id, DateTimeOffset ExpiresAt, int MaxAnswers, int AnswerViews);

/// <summary><c>secretshare respond LINK</c>: answer a request; refuses a key that does not match the link.</summary>
internal static class RespondCommand
{
    public static Command Create(CliHost host)
    {
        var link = CliOptions.FillInLinkArgument(host);
        var files = new Option<FileInfo[]>("--file", "-f")
        {
            Description = "Attach this file (repeatable). The text from stdin is then optional.",
            HelpName = "PATH",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var server = CliOptions.LinkServer();
        var command = new Command("respond", "Answer a request: encrypt a secret from stdin, and files, so that only the requester can read it.")
        {
            link, files, server,
        };
        command.SetAction((parse, cancellationToken) => CliApp.GuardAsync(
            host,
            () => RunAsync(host, parse.GetRequiredValue(link), parse.GetValue(files) ?? [], parse.GetValue(server), cancellationToken),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliHost host, FillInLink link, FileInfo[] paths, Uri? server, CancellationToken cancellationToken)
    {
        var attachments = await SendCommand.ReadFilesAsync(paths, cancellationToken).ConfigureAwait(false);
        var text = await SendCommand.ReadTextAsync(host, attachments.Count > 0, cancellationToken).ConfigureAwait(false);
        using var http = CliApp.CreateHttpClient(host);
        var sharing = new RequestSharing(new SecretShareClient(http, CliApp.ResolveServer(host, server, link.BaseUrl)));
        try
        {
            var answer = await sharing.RespondAsync(link, new SecretEnvelope(text, attachments.Count > 0 ? attachments : null), cancellationToken)
                .ConfigureAwait(false);
            await host.Error.WriteLineAsync(
                $"Sent. Only the requester can read it: it is encrypted to their key, which matched the link. It expires {Display.Time(answer.ExpiresAt)}.")
                .ConfigureAwait(false);
            return ExitCodes.Ok;
        }
        catch (SecretShareApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            throw new CliException(ExitCodes.Gone, "The request is gone: it expired, already has its answers, or never existed.");
        }
    }
}

/// <summary><c>secretshare inbox LINK</c>: reveal and decrypt the answers to a request.</summary>
internal static class InboxCommand
{
    public static Command Create(CliHost host)
    {
        var link = CliOptions.InboxLinkArgument(host);
        var output = new Option<DirectoryInfo?>("--output", "-o")
        {
            Description = "Save the answers' files into this folder (created if needed). Default: a new folder ./secretshare-<id>.",
            HelpName = "DIR",
        };
        var list = new Option<bool>("--list") { Description = "Only list the answers and the request's history; reveal nothing." };
        var json = new Option<bool>("--json") { Description = "With --list: print the inbox as JSON {id, expiresAt, answers, events, ...}." };
        var delete = new Option<bool>("--delete")
        {
            Description = "Delete the request and its answers now, reading nothing: nobody can answer or read it after.",
        };
        var server = CliOptions.LinkServer();
        var command = new Command("inbox", "Read the answers to your request: each one is revealed (using a view) and decrypted here.")
        {
            link, output, list, json, delete, server,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(delete) && (result.GetValue(list) || result.GetValue(json) || result.GetValue(output) is not null))
            {
                result.AddError("--delete reads nothing: it does not go with --list, --json or --output.");
            }
        });
        command.SetAction((parse, cancellationToken) => CliApp.GuardAsync(
            host,
            () => parse.GetValue(delete)
                ? DeleteAsync(host, parse.GetRequiredValue(link), parse.GetValue(server), cancellationToken)
                : RunAsync(host, parse.GetRequiredValue(link), parse.GetValue(output), parse.GetValue(list), parse.GetValue(json), parse.GetValue(server), cancellationToken),
            cancellationToken));
        return command;
    }

    private static async Task<int> DeleteAsync(CliHost host, InboxLink link, Uri? server, CancellationToken cancellationToken)
    {
        using var http = CliApp.CreateHttpClient(host);
        try
        {
            await Sharing(host, http, link, server).DeleteAsync(link, cancellationToken).ConfigureAwait(false);
        }
        catch (SecretShareApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            throw Gone();
        }

        await host.Error.WriteLineAsync("Deleted: the request and its answers are gone.").ConfigureAwait(false);
        return ExitCodes.Ok;
    }

    private static RequestSharing Sharing(CliHost host, HttpClient http, InboxLink link, Uri? server) =>
        new(new SecretShareClient(http, CliApp.ResolveServer(host, server, link.BaseUrl)));

    private static CliException Gone() => new(ExitCodes.Gone, "The request is gone: it expired or never existed.");

    private static async Task<int> RunAsync(
        CliHost host, InboxLink link, DirectoryInfo? output, bool list, bool json, Uri? server, CancellationToken cancellationToken)
    {
        if (output is not null && File.Exists(output.FullName))
        {
            throw CliException.Usage($"--output must be a folder, and {output.FullName} is a file.");
        }

        using var http = CliApp.CreateHttpClient(host);
        var sharing = Sharing(host, http, link, server);
        RequestInbox inbox;
        try
        {
            inbox = await sharing.GetInboxAsync(link, cancellationToken).ConfigureAwait(false);
        }
        catch (SecretShareApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            throw Gone();
        }

        if (json)
        {
            await host.Out.WriteLineAsync(JsonSerializer.Serialize(inbox, CliJsonContext.Default.RequestInbox)).ConfigureAwait(false);
            return ExitCodes.Ok;
        }

        foreach (var e in inbox.Events)
        {
            await host.Error.WriteLineAsync($"  {Display.Time(e.OccurredAt)}  {e.Type}{(e.AnswerId is null ? "" : $" (answer {Number(inbox, e.AnswerId)})")}")
                .ConfigureAwait(false);
        }

        await host.Error.WriteLineAsync(
            $"{inbox.Answers.Count} answer(s); {inbox.AnswersRemaining} more can come until {Display.Time(inbox.ExpiresAt)}.").ConfigureAwait(false);
        if (list)
        {
            return ExitCodes.Ok;
        }

        ReceivedFiles? received = null;
        foreach (var answer in inbox.Answers.Where(a => a.Status == "active"))
        {
            var opened = await sharing.OpenAsync(link, answer, cancellationToken).ConfigureAwait(false);
            await host.Error.WriteLineAsync($"--- answer {Number(inbox, answer.Id)}, sent {Display.Time(answer.AnsweredAt)} ---").ConfigureAwait(false);
            await host.Out.WriteAsync(opened.Envelope.Text).ConfigureAwait(false);
            await host.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
            foreach (var file in opened.Envelope.Files ?? [])
            {
                var folder = output?.FullName ?? Path.Combine(host.WorkingDirectory, $"secretshare-{link.Id[..8]}");
                Directory.CreateDirectory(folder);
                received ??= new ReceivedFiles(folder, overwrite: false);
                var path = await received.WriteAsync(file, cancellationToken).ConfigureAwait(false);
                await host.Error.WriteLineAsync($"Saved {path} ({Display.Bytes(file.Data.Length)}).").ConfigureAwait(false);
            }

            await host.Error.WriteLineAsync(opened.Burned
                ? "That was its last view: the answer is now deleted."
                : Display.ViewsLeft(opened.ViewsRemaining, inbox.ExpiresAt)).ConfigureAwait(false);
        }

        return ExitCodes.Ok;
    }

    private static int Number(RequestInbox inbox, string answerId) => inbox.Answers.ToList().FindIndex(a => a.Id == answerId) + 1;
}
