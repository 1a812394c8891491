package nl.regie.mqtt.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswordFileTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;

    private final String good = PasswordHash.of("pw", RANDOM).text();

    @Test
    void readsUsersCommentsAndBlankLinesAsMosquittoDoes() {
        PasswordFile file = PasswordFile.parse("# devices of the demo site\n\nbin-1:" + good + "\n  lamp-1 :\t" + good
                + " \r\ngauge-1:" + good + ":whatever follows a second ':' is ignored\n#x:" + good + "\n");
        assertEquals(List.of(), file.problems());
        assertEquals(Set.of("bin-1", "lamp-1", "gauge-1"), file.users());
        assertTrue(file.hash("lamp-1").orElseThrow().matches("pw"));
        assertFalse(file.contains("#x"), "a line that begins with '#' is a comment");
    }

    @Test
    void eachBadLineIsNamedAndSkippedAndTheOthersCount() {
        PasswordFile file = PasswordFile.parse(String.join("\n",
                "bin-1:" + good,
                "just some words",
                ":" + good,
                "bin-2:plaintext",
                "bin-3:$7$101$AAAA$BBBB",
                "bin-1:" + PasswordHash.of("other", RANDOM).text(),
                "bin-4:",
                "bin-5:" + good));
        assertEquals(Set.of("bin-1", "bin-5"), file.users());
        assertTrue(file.hash("bin-1").orElseThrow().matches("pw"), "the first line of a user counts");
        List<String> problems = file.problems();
        assertEquals(6, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("line 2 has no ':'"), problems.get(0));
        assertTrue(problems.get(1).startsWith("line 3 has no user name"), problems.get(1));
        assertTrue(problems.get(2).startsWith("line 4 (user 'bin-2'): its password is not hashed"), problems.get(2));
        assertTrue(problems.get(3).startsWith("line 5 (user 'bin-3'): its salt must be 12 bytes"), problems.get(3));
        assertTrue(problems.get(4).startsWith("line 6: user 'bin-1' is on line 1 already"), problems.get(4));
        assertTrue(problems.get(5).startsWith("line 7 (user 'bin-4'): it has no password hash"), problems.get(5));
        for (String problem : problems) {
            assertFalse(problem.contains(good.substring(10, 30)), "no problem quotes a hash: " + problem);
        }
    }

    @Test
    void settingAndRemovingAUserKeepsEveryOtherLineAsItWas() {
        String text = "# keep me\nbin-1:" + good + "\nbroken line\n\nlamp-1:" + good + "\nlamp-1:$6$x\n";
        PasswordFile file = PasswordFile.parse(text);
        PasswordHash fresh = PasswordHash.of("new", RANDOM);

        PasswordFile changed = file.with("lamp-1", fresh);
        assertEquals("# keep me\nbin-1:" + good + "\nbroken line\n\nlamp-1:" + fresh.text() + "\n", changed.text());
        assertTrue(changed.hash("lamp-1").orElseThrow().matches("new"));

        PasswordFile added = file.with("gauge-1", fresh);
        assertEquals(text + "gauge-1:" + fresh.text() + "\n", added.text());

        PasswordFile removed = file.without("lamp-1");
        assertEquals("# keep me\nbin-1:" + good + "\nbroken line\n\n", removed.text());
        assertEquals(file.text(), file.without("nobody").text());
        assertEquals("", PasswordFile.empty().text());
    }

    @Test
    void aUserNameThatALineCannotHoldIsRefused() {
        for (String bad : new String[] {"", "a:b", "a\nb", " a", "a ", "#a"}) {
            assertThrows(IllegalArgumentException.class, () -> PasswordFile.empty().with(bad,
                    PasswordHash.of("x", RANDOM)), bad);
        }
    }

    @Test
    void writingReplacesTheFileWholeOwnerOnlyWhenNewKeepingThePermissionsOfAnOldOne() throws Exception {
        Path file = dir.resolve("broker").resolve("passwd");
        assertEquals(Set.of(), PasswordFile.read(file).users(), "a missing file is empty");
        PasswordFile.empty().with("bin-1", PasswordHash.of("one", RANDOM)).write(file);
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file));
        assertTrue(PasswordFile.read(file).hash("bin-1").orElseThrow().matches("one"));

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        PasswordFile.read(file).with("bin-2", PasswordHash.of("two", RANDOM)).write(file);
        assertEquals(PosixFilePermissions.fromString("rw-r-----"), Files.getPosixFilePermissions(file));
        assertEquals(Set.of("bin-1", "bin-2"), PasswordFile.read(file).users());
        try (var left = Files.list(file.getParent())) {
            assertEquals(List.of(file), left.toList(), "no temporary file stays behind");
        }
    }

    /**
     * The runtime and an operator with mosquitto_passwd can keep the same file, each reading the other's lines. (Only
     * user lines: mosquitto_passwd 2.0 calls a file with a comment or a blank line corrupt and empties it, so nothing
     * here writes either.)
     */
    @Test
    void mosquittoPasswdAndThisKeepOneFileTogether() throws Exception {
        MosquittoPasswd.assumeInstalled();
        Path file = dir.resolve("passwd");
        PasswordFile.empty().with("bin-1", PasswordHash.of("from-regie", RANDOM)).write(file);
        MosquittoPasswd.run(dir, "-b", file.toString(), "regie-bridge", "from-operator");
        PasswordFile both = PasswordFile.read(file);
        assertEquals(List.of(), both.problems());
        assertTrue(both.hash("bin-1").orElseThrow().matches("from-regie"));
        assertTrue(both.hash("regie-bridge").orElseThrow().matches("from-operator"));

        both.with("bin-2", PasswordHash.of("second", RANDOM)).write(file);
        MosquittoPasswd.run(dir, "-D", file.toString(), "bin-1");
        PasswordFile after = PasswordFile.read(file);
        assertEquals(Set.of("regie-bridge", "bin-2"), after.users());
        assertTrue(after.hash("bin-2").orElseThrow().matches("second"));
    }
}
