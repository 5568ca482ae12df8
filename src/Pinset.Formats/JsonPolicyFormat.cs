namespace Pinset.Formats;

/// <summary>Pinset's own document: everything is expressed, so the only warning is the backup-pin rule, which stops it loading.</summary>
internal sealed class JsonPolicyFormat : PolicyFormatBase
{
    public override string Name => "json";

    public override bool Recognizes(string text) => PolicyFormats.Start(text).StartsWith('{');

    protected override PinningConfiguration ReadCore(string text, PolicyFormatContext context, List<string> warnings) =>
        PinningConfigurationJson.Parse(text, context.SourceName);

    protected override string WriteCore(PinningConfiguration configuration, PolicyFormatContext context, List<string> warnings) =>
        PinningConfigurationJsonWriter.Write(configuration);
}
