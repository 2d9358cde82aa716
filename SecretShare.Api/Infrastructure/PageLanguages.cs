using System.Collections.Concurrent;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using SecretShare.Hosting;

namespace SecretShare.Api.Infrastructure;

/// <summary>
/// The web UI's languages (docs/design.md, "Languages"), listed once in <c>wwwroot/locales/languages.json</c>, which the
/// pages' script (i18n.js) reads too. The server picks the first page's language from <c>Accept-Language</c> and serves
/// the page with <c>&lt;html lang dir&gt;</c> set and its static texts (elements marked <c>data-i18n</c>) filled from that
/// language's catalogue, so that the first paint, a screen reader's first words and a page without script are already in
/// that language. A choice made with the page's switcher lives in the browser (localStorage) and is applied by the script.
/// </summary>
public sealed partial class PageLanguages
{
    public const string DefaultLanguage = "en";

    // The pages are UTF-8: only what HTML needs escaped is, so that Arabic or Norwegian text stays readable in the source.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    private readonly string webRoot;
    private readonly IReadOnlyList<Language> languages;
    private readonly Dictionary<string, Language> byTag = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<(string File, string Code), string> pages = new();

    private PageLanguages(string webRoot, IReadOnlyList<Language> languages)
    {
        this.webRoot = webRoot;
        this.languages = languages;
        foreach (var language in languages)
        {
            byTag[language.Code] = language;
            foreach (var alias in language.Also ?? [])
            {
                byTag.TryAdd(alias, language);
            }
        }
    }

    /// <summary>One entry of languages.json: its BCP 47 code, its own name, its direction, and tags it also answers.</summary>
    public sealed record Language(string Code, string Name, string Dir, string[]? Also = null);

    public IReadOnlyList<Language> Languages => languages;

    /// <summary>Reads languages.json; a missing or broken list (a broken deployment) stops the start with one line.</summary>
    public static PageLanguages Load(string? webRoot)
    {
        if (webRoot is null)
        {
            // ASP.NET Core leaves WebRootPath unset when there is no wwwroot folder: a build output run outside
            // Development, say, instead of a published application.
            throw new StartupConfigurationException(
                "The web UI's files are missing: no wwwroot folder beside the application (deploy the output of 'dotnet publish').");
        }

        var path = Path.Combine(webRoot, "locales", "languages.json");
        Language[]? languages;
        try
        {
            languages = JsonSerializer.Deserialize<Language[]>(File.ReadAllText(path), JsonSerializerOptions.Web);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new StartupConfigurationException($"The web UI's language list {path} cannot be read: {ex.Message}", ex);
        }

        if (languages is null || !languages.Any(language => language.Code == DefaultLanguage)
            || languages.Any(language => !File.Exists(Path.Combine(webRoot, "locales", $"{language.Code}.json"))))
        {
            throw new StartupConfigurationException(
                $"The web UI's language list {path} must list '{DefaultLanguage}' and only languages with a catalogue beside it.");
        }

        return new PageLanguages(webRoot, languages);
    }

    /// <summary>
    /// The language for an Accept-Language header: the ranges in order of quality (q=0 refuses), each matched exactly,
    /// then by its primary subtag (<c>nb-NO</c> → <c>nb</c>); English when nothing matches.
    /// </summary>
    public Language Negotiate(IList<StringWithQualityHeaderValue> acceptLanguage)
    {
        var ranges = acceptLanguage
            .Select((range, index) => (Tag: range.Value.Value ?? "", Quality: range.Quality ?? 1, Index: index))
            .Where(range => range.Quality > 0)
            .OrderByDescending(range => range.Quality)
            .ThenBy(range => range.Index);
        foreach (var (tag, _, _) in ranges)
        {
            if (byTag.TryGetValue(tag, out var exact))
            {
                return exact;
            }

            var dash = tag.IndexOf('-', StringComparison.Ordinal);
            if (dash > 0 && byTag.TryGetValue(tag[..dash], out var primary))
            {
                return primary;
            }
        }

        return byTag[DefaultLanguage];
    }

    /// <summary>Serves a page of wwwroot in the negotiated language (Content-Language, Vary: Accept-Language).</summary>
    public ContentHttpResult Page(HttpContext context, string file)
    {
        var language = Negotiate(context.Request.GetTypedHeaders().AcceptLanguage);
        context.Response.Headers.ContentLanguage = language.Code;
        context.Response.Headers.Vary = HeaderNames.AcceptLanguage;
        var html = pages.GetOrAdd((file, language.Code), key => Render(File.ReadAllText(Path.Combine(webRoot, key.File)), language));
        return TypedResults.Content(html, "text/html; charset=utf-8");
    }

    private string Render(string html, Language language)
    {
        var texts = Catalogue(language.Code);
        var fallback = language.Code == DefaultLanguage ? texts : Catalogue(DefaultLanguage);
        string Text(string key) => Encoder.Encode(texts.GetValueOrDefault(key) ?? fallback.GetValueOrDefault(key) ?? "");

        var dir = language.Dir == "rtl" ? "rtl" : "ltr";
        html = HtmlTag().Replace(html, $"<html lang=\"{language.Code}\" dir=\"{dir}\">", 1);
        html = TextElement().Replace(html, match => $"{match.Groups["open"].Value}{Text(match.Groups["key"].Value)}</{match.Groups["tag"].Value}>");
        return TextAttribute().Replace(html, match =>
            $"{match.Value} {match.Groups["attribute"].Value}=\"{Text(match.Groups["key"].Value)}\"");
    }

    /// <summary>A catalogue flattened to i18next's keys ("create.heading").</summary>
    private Dictionary<string, string> Catalogue(string code)
    {
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(webRoot, "locales", $"{code}.json")));
        Flatten(document.RootElement, "");
        return texts;

        void Flatten(JsonElement element, string prefix)
        {
            foreach (var property in element.EnumerateObject())
            {
                var key = prefix + property.Name;
                if (property.Value.ValueKind == JsonValueKind.Object)
                {
                    Flatten(property.Value, key + ".");
                }
                else if (property.Value.ValueKind == JsonValueKind.String)
                {
                    texts[key] = property.Value.GetString()!;
                }
            }
        }
    }

    [GeneratedRegex("<html lang=\"[^\"]*\">")]
    private static partial Regex HtmlTag();

    // An empty element marked data-i18n="key", as the pages write them: <h1 data-i18n="create.heading"></h1>.
    [GeneratedRegex("(?<open><(?<tag>[a-z0-9]+)\\b[^>]*?\\sdata-i18n=\"(?<key>[^\"]+)\"[^>]*>)</\\k<tag>>")]
    private static partial Regex TextElement();

    // data-i18n-content="key" (and aria-label, alt, title): the attribute itself is added next to it.
    [GeneratedRegex("\\sdata-i18n-(?<attribute>aria-label|content|alt|title)=\"(?<key>[^\"]+)\"")]
    private static partial Regex TextAttribute();
}
