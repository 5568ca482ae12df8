using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Pinset.Cli;

/// <summary><c>pinset backup-key</c>: make the next key before it is needed, and print its pin to add to the policy now.</summary>
internal static class BackupKeyCommand
{
    public static Command Create(CliConsole output, Option<bool> json)
    {
        var outDir = new Option<DirectoryInfo>("--out") { HelpName = "DIR", Description = "The directory to write the key and CSR to (created if missing).", Required = true };
        var subject = new Option<string>("--subject") { HelpName = "DN", Description = "The CSR's subject, such as \"CN=api.exchange.com\".", Required = true };
        var algorithm = new Option<string>("--algorithm") { Description = "The key type.", DefaultValueFactory = _ => "ec-p256" };
        algorithm.AcceptOnlyFromAmong("ec-p256", "ec-p384", "rsa-2048", "rsa-3072");
        var name = new Option<string>("--name") { HelpName = "NAME", Description = "The file name stem: NAME.key.pem and NAME.csr.pem.", DefaultValueFactory = _ => "backup" };
        var command = new Command("backup-key", "Generate a backup key pair and CSR, and print the pin to add to the policy now.") { outDir, subject, algorithm, name };
        command.SetAction((parse, cancel) =>
        {
            var dir = parse.GetValue(outDir)!;
            var stem = parse.GetValue(name)!;
            if (stem.Length == 0 || stem.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || stem.Contains('/', StringComparison.Ordinal))
            {
                throw new CliException(ExitCodes.BadInput, $"--name '{stem}' is not a plain file name.");
            }

            X500DistinguishedName distinguishedName;
            try
            {
                distinguishedName = new X500DistinguishedName(parse.GetValue(subject)!);
            }
            catch (CryptographicException ex)
            {
                throw new CliException(ExitCodes.BadInput, $"--subject '{parse.GetValue(subject)}' is not a distinguished name such as 'CN=api.exchange.com, O=Exchange'.", ex);
            }

            string keyPath = Path.Combine(dir.FullName, stem + ".key.pem");
            string csrPath = Path.Combine(dir.FullName, stem + ".csr.pem");
            if (File.Exists(keyPath))
            {
                throw new CliException(ExitCodes.BadInput, $"'{keyPath}' already exists; a backup key is never overwritten. Choose another --out or --name.");
            }

            if (File.Exists(dir.FullName))
            {
                throw new CliException(ExitCodes.BadInput, $"--out '{dir}' is a file, not a directory.");
            }

            Directory.CreateDirectory(dir.FullName);
            using AsymmetricAlgorithm key = parse.GetValue(algorithm) switch
            {
                "ec-p384" => ECDsa.Create(ECCurve.NamedCurves.nistP384),
                "rsa-2048" => RSA.Create(2048),
                "rsa-3072" => RSA.Create(3072),
                _ => ECDsa.Create(ECCurve.NamedCurves.nistP256),
            };
            var request = key is RSA rsa
                ? new CertificateRequest(distinguishedName, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
                : new CertificateRequest(distinguishedName, (ECDsa)key, HashAlgorithmName.SHA256);
            // Both files are staged whole, and renamed into place only if the command was not interrupted meanwhile; the
            // key first, never over an existing one, and taken back if the request cannot follow it.
            using (var stagedKey = StagedFile.Write(keyPath, key.ExportPkcs8PrivateKeyPem() + "\n", UnixFileMode.UserRead | UnixFileMode.UserWrite))
            using (var stagedRequest = StagedFile.Write(csrPath, request.CreateSigningRequestPem() + "\n"))
            {
                cancel.ThrowIfCancellationRequested();
                stagedKey.Commit(overwrite: false);
                try
                {
                    stagedRequest.Commit(overwrite: false);
                }
                catch (CliException)
                {
                    stagedKey.Revert();
                    throw;
                }
            }

            var pin = SpkiPin.FromSubjectPublicKeyInfo(key.ExportSubjectPublicKeyInfo());
            if (parse.GetValue(json))
            {
                output.Out.WriteLine(JsonDocumentWriter.Write(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("pin", pin.ToString());
                    w.WriteString("privateKey", keyPath);
                    w.WriteString("csr", csrPath);
                    w.WriteString("algorithm", parse.GetValue(algorithm));
                    w.WriteEndObject();
                }));
            }
            else
            {
                output.Out.WriteLine(pin.ToString());
                output.Error.WriteLine($"Wrote the private key to '{keyPath}' (mode 600) and the CSR to '{csrPath}'.");
                output.Error.WriteLine("Add the pin above to your policy's 'pins' now, keep the key offline, and use the CSR when the current key is rotated out.");
            }

            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }
}
