#:project ../src/Pinset.Formats/Pinset.Formats.csproj
// Writes the CA map embedded in src/Pinset from a trust store's two bundles; eng/refresh-ca-map.sh runs it.
// Usage: dotnet run eng/refresh-ca-map.cs -- DIR OUT [DATE]
//   DIR holds ca-bundle.crt (roots) and int-bundle.crt (intermediates) and SOURCE.md, whose first heading names the
//   release; OUT is the map to write; DATE (yyyy-MM-dd) defaults to today (UTC).
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Pinset.Formats;

if (args.Length is < 2 or > 3)
{
    Console.Error.WriteLine("Usage: dotnet run eng/refresh-ca-map.cs -- DIR OUT [yyyy-MM-dd]");
    return 2;
}

var (dir, output) = (args[0], args[1]);
var date = args.Length == 3 ? DateOnly.ParseExact(args[2], "yyyy-MM-dd", CultureInfo.InvariantCulture) : DateOnly.FromDateTime(DateTime.UtcNow);
var roots = new X509Certificate2Collection();
roots.ImportFromPemFile(Path.Combine(dir, "ca-bundle.crt"));
var intermediates = new X509Certificate2Collection();
intermediates.ImportFromPemFile(Path.Combine(dir, "int-bundle.crt"));
var heading = File.ReadLines(Path.Combine(dir, "SOURCE.md")).FirstOrDefault(l => l.StartsWith("# ", StringComparison.Ordinal))?[2..].Trim() ?? Path.GetFileName(Path.GetFullPath(dir));
var source = $"{heading}: {roots.Count} roots, {intermediates.Count} intermediates";
File.WriteAllText(output + ".tmp", CertificateAuthorityMapWriter.Write(roots, intermediates, source, date));
File.Move(output + ".tmp", output, overwrite: true);
Console.WriteLine($"Wrote the CA map of {roots.Count} roots and {intermediates.Count} intermediates from '{dir}' to '{output}'.");
return 0;
