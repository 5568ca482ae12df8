namespace Pinset.Formats;

/// <summary>Pinset's own document: everything is expressed, so there is never a warning.</summary>
internal sealed class JsonPolicyFormat : IPolicyFormat
{
    public string Name => "json";

    public bool CanRead => true;

    public bool Recognizes(string text) => PolicyFormats.Start(text).StartsWith('{');

    public PolicyFormatResult<PinningConfiguration> Read(string text, PolicyFormatContext context) =>
        new(PinningConfigurationJson.Parse(text, context.SourceName), []);

    public PolicyFormatResult<string> Write(PinningConfiguration configuration, PolicyFormatContext context) =>
        new(PinningConfigurationJsonWriter.Write(configuration), []);
}
