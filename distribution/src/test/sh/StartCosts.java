import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import nl.regie.runtime.spi.policy.JarSignatures;

/**
 * What three things a start does cost on their own, in CPU of one thread, 4 rounds each (the first includes class
 * loading): verifying the plugins' signatures as the lifecycle does (a temporary copy, then JarSignatures.verify),
 * copying the DuckDB bundle out of the launcher jar (what Felix did into its fresh cache at every start; the launcher now
 * does it into the state folder once per launcher version and Felix reads the copy in place), and getting DuckDB's
 * Linux x86-64 library out of that bundle (what DuckDBNative did at every start, inflating it; with the bundle
 * runtime/duckdb makes, what Felix does at every start for Bundle-NativeCode, a plain copy of a stored entry). Either
 * launcher jar works: the library's entry is found under either name. From the repository root, after the build:
 *
 *   java -cp runtime/spi/target/classes distribution/src/test/sh/StartCosts.java \
 *       distribution/target/regie/lib/regie-launcher.jar /tmp/some-scratch-folder distribution/target/regie/plugins/*.jar
 */
public class StartCosts {

    public static void main(String[] args) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Path scratch = Files.createDirectories(Path.of(args[1]));
        for (int round = 0; round < 4; round++) {
            long c0 = threads.getCurrentThreadCpuTime();
            for (int i = 2; i < args.length; i++) {
                Path copy = Files.createTempFile(scratch, "verify-", ".jar");
                Files.write(copy, Files.readAllBytes(Path.of(args[i])));
                JarSignatures.verify(copy).orElseThrow(() -> new IllegalStateException("not signed"));
                Files.delete(copy);
            }
            long c1 = threads.getCurrentThreadCpuTime();
            Path bundle = scratch.resolve("duckdb.jar");
            try (JarFile launcher = new JarFile(args[0]);
                    InputStream in = launcher.getInputStream(launcher.getEntry("bundles/58-org.duckdb.duckdb_jdbc.jar"))) {
                Files.copy(in, bundle, StandardCopyOption.REPLACE_EXISTING);
            }
            long c2 = threads.getCurrentThreadCpuTime();
            String stored;
            try (ZipFile zip = new ZipFile(bundle.toFile())) {
                ZipEntry library = zip.getEntry("native/linux_amd64/libduckdb_java.so");
                if (library == null) {
                    library = zip.getEntry("libduckdb_java.so_linux_amd64");
                }
                stored = library.getName() + (library.getMethod() == ZipEntry.STORED ? ", stored" : ", deflated");
                try (InputStream in = zip.getInputStream(library)) {
                    Files.copy(in, scratch.resolve("duckdb.so"), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            long c3 = threads.getCurrentThreadCpuTime();
            Files.delete(bundle);
            Files.delete(scratch.resolve("duckdb.so"));
            System.out.printf("round %d: %d plugins verified %.0f ms; DuckDB bundle copied %.0f ms; its library (%s) copied out"
                    + " %.0f ms (CPU)%n", round, args.length - 2, (c1 - c0) / 1e6, (c2 - c1) / 1e6, stored, (c3 - c2) / 1e6);
        }
    }
}
