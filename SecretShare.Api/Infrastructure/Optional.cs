using System.Text.Json;
using System.Text.Json.Serialization;

namespace SecretShare.Api.Infrastructure;

/// <summary>
/// A JSON property that may be absent, which differs from being <c>null</c>: an absent <c>maxViews</c> takes the
/// default, an explicit <c>null</c> means unlimited.
/// </summary>
[JsonConverter(typeof(OptionalConverterFactory))]
public readonly record struct Optional<T>(T Value)
{
    /// <summary>The property was present in the JSON (its value may still be <c>null</c>).</summary>
    public bool IsPresent { get; } = true;

    public T GetValueOrDefault(T fallback) => IsPresent ? Value : fallback;
}

/// <summary>The converter only runs for properties that are present; absent ones keep <c>default</c>.</summary>
internal sealed class OptionalConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(Optional<>);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(OptionalConverter<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]))!;

    private sealed class OptionalConverter<T> : JsonConverter<Optional<T>>
    {
        public override bool HandleNull => true;

        public override Optional<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            try
            {
                return new(JsonSerializer.Deserialize<T>(ref reader, options)!);
            }
            catch (JsonException)
            {
                // Without a path of its own, the serializer reports this property's path ($.maxViews), as for any other field.
                throw new JsonException();
            }
        }

        public override void Write(Utf8JsonWriter writer, Optional<T> value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value.Value, options);
    }
}
