namespace Pinset.Cli;

/// <summary><c>pin --strategy --json</c>: the strategy's pins with their origins, the CDN and the trade-off, as one document.</summary>
internal static class PinStrategyJson
{
    public static string Write(PinStrategy.Choice choice, string host, IReadOnlyList<PinStrategy.Pin> backups) => JsonDocumentWriter.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("strategy", choice.Strategy);
        w.WriteString("host", host);
        if (choice.Cdn is { } cdn)
        {
            w.WriteStartObject("cdn");
            w.WriteString("name", cdn.Profile.Name);
            w.WriteString("recognisedBy", cdn.Evidence);
            w.WriteEndObject();
        }

        w.WriteStartArray("pins");
        foreach (var pin in choice.Pins.Concat(backups).DistinctBy(p => p.Value))
        {
            w.WriteStartObject();
            w.WriteString("pin", pin.Value.ToString());
            w.WriteString("origin", pin.Origin);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteString("tradeOff", choice.TradeOff);
        w.WriteEndObject();
    }) + "\n";
}
