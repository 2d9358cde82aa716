using System.Text.RegularExpressions;
using SecretShare.Tests.Infrastructure;

namespace SecretShare.Tests.Repository;

/// <summary>The Markdown files work in any clone: every relative link names a file or folder inside the repository.</summary>
[Trait("Tier", "Unit")]
public sealed partial class DocumentationLinksTests
{
    private static readonly string[] NotDocumentation = ["node_modules", "bin", "obj", "TestResults", "artifacts", ".git"];

    public static TheoryData<string> Documents
    {
        get
        {
            var root = ExternalProcess.RepositoryRoot();
            var documents = new TheoryData<string>();
            foreach (var path in Directory.EnumerateFiles(root, "*.md", SearchOption.AllDirectories)
                .Select(path => Path.GetRelativePath(root, path))
                .Where(path => !path.Split(Path.DirectorySeparatorChar).Any(NotDocumentation.Contains))
                .Order(StringComparer.Ordinal))
            {
                documents.Add(path);
            }

            return documents;
        }
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Relative_links_stay_inside_the_repository_and_exist(string document)
    {
        var root = ExternalProcess.RepositoryRoot();
        var path = Path.Combine(root, document);
        var broken = MarkdownLink().Matches(File.ReadAllText(path))
            .Select(match => match.Groups["target"].Value)
            .Where(target => !target.Contains("://", StringComparison.Ordinal) && !target.StartsWith('#') && !target.StartsWith("mailto:", StringComparison.Ordinal))
            .Where(target =>
            {
                var resolved = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, target.Split('#')[0]));
                return !resolved.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                    || !(File.Exists(resolved) || Directory.Exists(resolved));
            })
            .ToList();

        Assert.Empty(broken);
    }

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex MarkdownLink();
}
