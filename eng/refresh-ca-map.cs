#:project ../src/Pinset.Formats/Pinset.Formats.csproj
// Writes the CA map embedded in src/Pinset from a trust store release; eng/refresh-ca-map.sh runs it.
// Usage: dotnet run eng/refresh-ca-map.cs -- DIR OUT
//   DIR holds ca-bundle.crt (roots), int-bundle.crt (intermediates) and SOURCE.md; OUT is the map to write, dated today.
using Pinset.Formats;

if (args.Length != 2)
{
    Console.Error.WriteLine("Usage: dotnet run eng/refresh-ca-map.cs -- DIR OUT");
    return 2;
}

var text = CertificateAuthorityMapWriter.WriteFromDirectory(args[0], DateOnly.FromDateTime(DateTime.UtcNow));
File.WriteAllText(args[1] + ".tmp", text);
File.Move(args[1] + ".tmp", args[1], overwrite: true);
Console.WriteLine($"Wrote the CA map from '{args[0]}' to '{args[1]}': {text.Split('\n')[2]}.");
return 0;
