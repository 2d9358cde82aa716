using System.Text.RegularExpressions;
using SecretShare.Tests.Infrastructure;

namespace SecretShare.Tests.Repository;

/// <summary>Following the CLI README's install steps leaves the clone clean: the package goes to a git-ignored folder.</summary>
[Trait("Tier", "Unit")]
public sealed partial class CliInstallInstructionsTests
{
    [Fact]
    public async Task The_documented_package_folder_is_git_ignored()
    {
        var root = ExternalProcess.RepositoryRoot();
        var readme = await File.ReadAllTextAsync(Path.Combine(root, "SecretShare.Cli", "README.md"), TestContext.Current.CancellationToken);
        var folders = PackageFolder().Matches(readme).Select(match => match.Groups["folder"].Value).Distinct().ToList();
        Assert.NotEmpty(folders);

        foreach (var folder in folders)
        {
            Assert.False(Path.IsPathRooted(folder), folder);

            // Exits 0 only when git would ignore a package written there; throws with git's output otherwise.
            await ExternalProcess.RunAsync("git", ["-C", root, "check-ignore", "--no-index", "--quiet", $"{folder.TrimEnd('/')}/SecretShare.Cli.1.0.0.nupkg"]);
        }
    }

    [GeneratedRegex(@"dotnet pack \S+ (?:-o|--output) (?<folder>\S+)")]
    private static partial Regex PackageFolder();
}
