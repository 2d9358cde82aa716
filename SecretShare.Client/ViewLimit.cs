using System.Text.Json;
using System.Text.Json.Serialization;

namespace SecretShare.Client;

/// <summary>
/// The <c>maxViews</c> of a new secret. The API distinguishes three cases, which a plain <c>int?</c>
/// cannot: field omitted (server default, one view), JSON <c>null</c> (unlimited until expiry) and a
/// number. A null <see cref="ViewLimit"/> reference means "omit"; <see cref="Unlimited"/> writes null.
/// </summary>
[JsonConverter(typeof(ViewLimitJsonConverter))]
public sealed record ViewLimit
{
    private ViewLimit(int? count) => Count = count;

    /// <summary>Unlimited views until expiry (serialized as JSON null).</summary>
    public static ViewLimit Unlimited { get; } = new((int?)null);

    /// <summary>The number of views, or null when unlimited.</summary>
    public int? Count { get; }

    public bool IsUnlimited => Count is null;

    /// <summary>A fixed number of views. Bounds are the server's to enforce (1 to 100 by default).</summary>
    public static ViewLimit Of(int count) => new(count);

    public static implicit operator ViewLimit(int count) => Of(count);

    public override string ToString() => Count?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unlimited";
}

internal sealed class ViewLimitJsonConverter : JsonConverter<ViewLimit>
{
    // Only called for numbers: a JSON null is read as a null reference without reaching the converter.
    public override ViewLimit Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        ViewLimit.Of(reader.GetInt32());

    public override void Write(Utf8JsonWriter writer, ViewLimit value, JsonSerializerOptions options)
    {
        if (value.Count is { } count)
        {
            writer.WriteNumberValue(count);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
