using SecretShare.Tests.Infrastructure;

namespace SecretShare.Tests.Repository;

/// <summary>What the repository's scripts tell a person who runs them.</summary>
[Trait("Tier", "Unit")]
public sealed class ScriptTests
{
    [Fact]
    public async Task Test_script_help_prints_exactly_its_usage_comment()
    {
        var script = Path.Combine(ExternalProcess.RepositoryRoot(), "scripts", "test.sh");
        var usage = File.ReadLines(script).Skip(1).TakeWhile(line => line.StartsWith('#'))
            .Select(line => line.StartsWith("# ", StringComparison.Ordinal) ? line[2..] : line[1..]);

        var help = await ExternalProcess.RunAsync("bash", [script, "--help"]);

        Assert.Equal(string.Join('\n', usage) + "\n", help);
        Assert.DoesNotContain("set -", help);
        Assert.Contains("scripts/test.sh --backend postgres", help);
    }
}
