using System.Text.Json;

namespace Pinset.Cli;

/// <summary>What <c>check --json</c> says of a target beyond its verdict: each risk with its stable code, and the CDN recognised.</summary>
internal static class CheckJson
{
    public static void WriteRisks(Utf8JsonWriter w, CheckFinding finding)
    {
        w.WriteStartArray("risks");
        foreach (var risk in finding.Risks)
        {
            w.WriteStartObject();
            w.WriteString("code", risk.Code);
            w.WriteString("message", risk.Message);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (finding.Cdn is { } cdn)
        {
            w.WriteStartObject("cdn");
            w.WriteString("name", cdn.Profile.Name);
            w.WriteString("recognisedBy", cdn.Evidence);
            w.WriteEndObject();
        }
    }
}
