package nl.regie.runtime.devices.mqtt;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;

import nl.regie.runtime.testing.Mosquitto;

/**
 * A key pair and self-signed certificate for 127.0.0.1 from the JDK's keytool, written out as PEM for Mosquitto
 * ({@link #cert}, {@link #key}), and the certificate alone in a PKCS12 trust store for clients ({@link #truststore},
 * password {@value #TRUSTSTORE_PASSWORD}).
 *
 * @param cert       the certificate, PEM
 * @param key        the private key, PEM
 * @param truststore a PKCS12 trust store holding the certificate
 */
record BrokerCertificate(Path cert, Path key, Path truststore) {

    static final String TRUSTSTORE_PASSWORD = "trustpass";
    private static final Path KEYTOOL = Path.of(System.getProperty("java.home"), "bin", "keytool");

    /** Makes them in {@code folder}, readable by the user Mosquitto runs as. */
    static BrokerCertificate make(Path folder) throws Exception {
        Files.createDirectories(folder);
        Path keystore = folder.resolve("broker.p12");
        Devices.run(60, KEYTOOL, "-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-keystore", keystore.toString(), "-storetype",
                "PKCS12", "-storepass", "brokerpass");
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, "brokerpass".toCharArray());
        }
        Certificate certificate = store.getCertificate("broker");
        Key privateKey = store.getKey("broker", "brokerpass".toCharArray());
        Path cert = folder.resolve("cert.pem");
        Path key = folder.resolve("key.pem");
        Files.writeString(cert, pem("CERTIFICATE", certificate.getEncoded()));
        Files.writeString(key, pem("PRIVATE KEY", privateKey.getEncoded()));
        Path truststore = folder.resolve("trust.p12");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("broker", certificate);
        try (OutputStream out = Files.newOutputStream(truststore)) {
            trust.store(out, TRUSTSTORE_PASSWORD.toCharArray());
        }
        for (Path file : new Path[] {folder, cert, key}) {
            file.toFile().setReadable(true, false);
        }
        return new BrokerCertificate(cert, key, truststore);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
