package nl.regie.runtime.ngsild.subscription;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;

import nl.regie.runtime.ngsild.problem.NgsiLdException;
import nl.regie.runtime.ngsild.problem.ProblemType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The guard against a tenant making the runtime call into the city's own network. */
class EndpointRuleTest {

    /** A DNS of the test's own: names to addresses. */
    private static final Map<String, String> DNS = Map.of("hooks.example.org", "93.184.216.34",
            "rebind.example.org", "10.1.2.3", "hooks.city.internal", "10.9.9.9", "localhost", "127.0.0.1",
            "metadata.example.org", "169.254.169.254");

    private static InetAddress[] resolve(String host) throws UnknownHostException {
        String address = DNS.getOrDefault(host, host);
        if (!address.matches("[0-9a-f:.]+")) {
            throw new UnknownHostException(host);
        }
        return new InetAddress[] {InetAddress.getByName(address)};
    }

    private static EndpointRule rule(List<String> allowed, boolean publicAllowed) {
        return new EndpointRule(allowed, publicAllowed, EndpointRuleTest::resolve);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8080/n", "http://localhost/n", "http://[::1]/n", "http://10.0.0.5/n",
        "http://172.16.0.1/n", "http://192.168.1.1/n", "http://169.254.169.254/latest/meta-data",
        "http://metadata.example.org/", "http://100.64.0.1/", "http://0.0.0.0/", "http://[fc00::1]/",
        "http://[::ffff:127.0.0.1]/", "http://rebind.example.org/", "mqtt://127.0.0.1:1883/t", "http://224.0.0.1/"})
    void internalAddressesAreRefusedByDefault(String uri) {
        NgsiLdException e = assertThrows(NgsiLdException.class, () -> rule(List.of(), true).check(uri));
        assertEquals(ProblemType.BAD_REQUEST_DATA, e.type());
        assertTrue(e.getMessage().contains("internal address"), e.getMessage());
    }

    @Test
    void publicAddressesAreAllowedUnlessTheOperatorTurnedThemOff() {
        assertDoesNotThrow(() -> rule(List.of(), true).check("https://hooks.example.org/n"));
        NgsiLdException e = assertThrows(NgsiLdException.class,
                () -> rule(List.of(), false).check("https://hooks.example.org/n"));
        assertTrue(e.getMessage().contains("not among the endpoints the operator allows"), e.getMessage());
    }

    @Test
    void whatTheOperatorListedIsAllowedAndNothingBeside() {
        EndpointRule rule = rule(List.of("127.0.0.1", "10.9.0.0/16", "hooks.city.internal"), false);
        assertDoesNotThrow(() -> rule.check("http://127.0.0.1:9999/n"));
        assertDoesNotThrow(() -> rule.check("http://localhost:9999/n"));
        assertDoesNotThrow(() -> rule.check("http://10.9.1.1/n"));
        assertDoesNotThrow(() -> rule.check("http://hooks.city.internal/n"));
        assertThrows(NgsiLdException.class, () -> rule.check("http://10.8.1.1/n"));
        assertThrows(NgsiLdException.class, () -> rule.check("http://127.0.0.2/n"));
        assertThrows(NgsiLdException.class, () -> rule.check("http://[::1]/n"));
    }

    @Test
    void anUnknownHostIsRefused() {
        NgsiLdException e = assertThrows(NgsiLdException.class,
                () -> rule(List.of(), true).check("http://nowhere.invalid/n"));
        assertTrue(e.getMessage().contains("is not known"), e.getMessage());
    }

    @Test
    void aBadConfigurationEntryIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> rule(List.of("10.0.0.0/40"), true));
        assertTrue(e.getMessage().contains("10.0.0.0/40"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> rule(List.of("http://x/"), true));
    }
}
