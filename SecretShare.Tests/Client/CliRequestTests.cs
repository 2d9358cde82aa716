using SecretShare.Cli;
using SecretShare.Client;

namespace SecretShare.Tests.Client;

/// <summary>The request commands of the CLI (docs/spec.md section 8) against the real API on each backend.</summary>
public abstract partial class CliTests<TFixture>
{
    [Fact]
    public async Task Inbox_delete_removes_the_request_and_its_answers_and_a_second_delete_finds_it_gone()
    {
        var request = await Cli.RunAsync(["request", "--server", Server, "--answers", "2"]);
        Assert.Equal(ExitCodes.Ok, request.ExitCode);
        var (fillIn, inbox) = (Cli.Lines(request.Stdout)[0], Cli.Lines(request.Stdout)[1]);
        var respond = await Cli.RunAsync(["respond", fillIn], stdin: "not for long");
        Assert.Equal(ExitCodes.Ok, respond.ExitCode);
        var answers = (await new RequestSharing(new SecretShareClient(Fixture.Client)).GetInboxAsync(InboxLink.Parse(inbox))).Answers;

        var usage = await Cli.RunAsync(["inbox", "-", "--delete", "--list"], stdin: inbox);
        Assert.Equal(ExitCodes.Usage, usage.ExitCode);
        Assert.True(await Fixture.IsRequestStoredAsync(InboxLink.Parse(inbox).Id));

        var delete = await Cli.RunAsync(["inbox", "-", "--delete"], stdin: inbox);
        Assert.Equal((ExitCodes.Ok, ""), (delete.ExitCode, delete.Stdout));
        Assert.Contains("Deleted", delete.Stderr);
        Assert.False(await Fixture.IsRequestStoredAsync(InboxLink.Parse(inbox).Id));
        Assert.False(await Fixture.IsStoredAsync(Assert.Single(answers).Id));

        var again = await Cli.RunAsync(["inbox", "-", "--delete"], stdin: inbox);
        Assert.Equal(ExitCodes.Gone, again.ExitCode);
        Assert.Contains("gone", again.Stderr);
        var late = await Cli.RunAsync(["respond", fillIn], stdin: "too late");
        Assert.Equal(ExitCodes.Gone, late.ExitCode);
    }
}
