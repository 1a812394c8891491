package nl.regie.runtime.core.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import nl.regie.api.alert.Alert;
import nl.regie.api.alert.AlertRequest;
import nl.regie.api.alert.AlertSeverity;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.runtime.spi.alert.AlertBook;
import nl.regie.runtime.spi.alert.AlertFilter;

import org.junit.jupiter.api.Test;

class AlertStoreTest {

    static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");
    static final String WASTE = "nl.regie.waste";
    static final EntityId BIN = EntityId.of("WasteContainer", "bin-007");
    static final Location HERE = Location.of(4.9, 52.37);

    private final AlertStore store = new AlertStore(3);

    static AlertRequest fire(AlertSeverity severity, int minutes) {
        return new AlertRequest("fire-bin-007", "security", "fire", severity, "Bin 007 is burning", BIN, HERE,
                T0.plusSeconds(60L * minutes));
    }

    static AlertRequest request(String key, String category, AlertSeverity severity, int minutes) {
        return new AlertRequest(key, category, "", severity, "Something about " + key, null, null,
                T0.plusSeconds(60L * minutes));
    }

    @Test
    void raisesANewAlert() {
        AlertStore.Change change = store.raise(WASTE, fire(AlertSeverity.HIGH, 0), HERE);

        assertEquals(AlertStore.Kind.RAISED, change.kind());
        assertNull(change.previous());
        Alert alert = change.alert();
        assertEquals(EntityId.of("Alert", "fire-bin-007"), alert.id());
        assertEquals("fire-bin-007", alert.key());
        assertEquals("security", alert.category());
        assertEquals("fire", alert.subCategory());
        assertEquals(AlertSeverity.HIGH, alert.severity());
        assertEquals(BIN, alert.about());
        assertEquals(HERE, alert.location());
        assertEquals(T0, alert.validFrom());
        assertEquals(T0, alert.updatedAt());
        assertNull(alert.validTo());
        assertTrue(alert.active());
        assertEquals(WASTE, alert.source());
        assertEquals(List.of(alert), store.active());
    }

    @Test
    void anUnchangedRequestChangesNothingAndReturnsTheKeptAlert() {
        Alert raised = store.raise(WASTE, fire(AlertSeverity.HIGH, 0), HERE).alert();

        AlertStore.Change again = store.raise(WASTE, fire(AlertSeverity.HIGH, 5), HERE);

        assertEquals(AlertStore.Kind.UNCHANGED, again.kind());
        assertFalse(again.changed());
        assertSame(raised, again.alert());
        assertEquals(T0, store.active().get(0).updatedAt());
    }

    @Test
    void aChangedRequestUpdatesTheAlertKeepingWhenItWasRaised() {
        store.raise(WASTE, fire(AlertSeverity.HIGH, 0), HERE);

        AlertStore.Change change = store.raise(WASTE, fire(AlertSeverity.CRITICAL, 3), HERE);

        assertEquals(AlertStore.Kind.UPDATED, change.kind());
        assertEquals(AlertSeverity.HIGH, change.previous().severity());
        assertEquals(AlertSeverity.CRITICAL, change.alert().severity());
        assertEquals(T0, change.alert().validFrom());
        assertEquals(T0.plusSeconds(180), change.alert().updatedAt());
        assertEquals(1, store.active().size());
    }

    @Test
    void aLocationChangeIsAnUpdate() {
        store.raise(WASTE, fire(AlertSeverity.HIGH, 0), HERE);
        assertEquals(AlertStore.Kind.UPDATED, store.raise(WASTE, fire(AlertSeverity.HIGH, 1), Location.of(4.91, 52.37)).kind());
    }

    @Test
    void anUpdateStampedBeforeTheLastChangeDoesNotMoveTimeBack() {
        store.raise(WASTE, fire(AlertSeverity.HIGH, 10), HERE);
        Alert updated = store.raise(WASTE, fire(AlertSeverity.CRITICAL, 2), HERE).alert();
        assertEquals(T0.plusSeconds(600), updated.updatedAt());
        Alert resolved = store.resolve(WASTE, "fire-bin-007", T0).orElseThrow().alert();
        assertEquals(T0.plusSeconds(600), resolved.validTo());
    }

    @Test
    void resolvesAnAlertIntoTheHistory() {
        store.raise(WASTE, fire(AlertSeverity.HIGH, 0), HERE);

        AlertStore.Change change = store.resolve(WASTE, "fire-bin-007", T0.plusSeconds(900)).orElseThrow();

        assertEquals(AlertStore.Kind.RESOLVED, change.kind());
        Alert resolved = change.alert();
        assertFalse(resolved.active());
        assertEquals(T0.plusSeconds(900), resolved.validTo());
        assertEquals(T0.plusSeconds(900), resolved.updatedAt());
        assertEquals(T0, resolved.validFrom());
        assertEquals(List.of(), store.active());
        assertEquals(List.of(resolved), store.history());
        assertEquals(Optional.of(resolved), store.find("fire-bin-007"));
        assertEquals(Optional.empty(), store.resolve(WASTE, "fire-bin-007", T0.plusSeconds(901)), "already resolved");
        assertEquals(Optional.empty(), store.resolve(WASTE, "nothing", T0), "never raised");
    }

    @Test
    void aResolvedKeyIsRaisedAfresh() {
        store.raise(WASTE, fire(AlertSeverity.HIGH, 0), HERE);
        store.resolve(WASTE, "fire-bin-007", T0.plusSeconds(60));

        AlertStore.Change again = store.raise(WASTE, fire(AlertSeverity.HIGH, 30), HERE);

        assertEquals(AlertStore.Kind.RAISED, again.kind());
        assertEquals(T0.plusSeconds(1800), again.alert().validFrom());
        assertTrue(again.alert().active());
        assertEquals(Optional.of(again.alert()), store.find("fire-bin-007"), "the active one, not the resolved one");
        assertEquals(1, store.history().size());
    }

    @Test
    void anotherPluginsActiveKeyIsRefusedNamingItsOwner() {
        store.raise(WASTE, fire(AlertSeverity.HIGH, 0), HERE);

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> store.raise("nl.example.other", fire(AlertSeverity.LOW, 1), HERE));

        assertTrue(e.getMessage().contains("fire-bin-007") && e.getMessage().contains(WASTE), e.getMessage());
        assertEquals(WASTE, store.active().get(0).source());
        assertEquals(Optional.empty(), store.resolve("nl.example.other", "fire-bin-007", T0), "nor can it resolve it");
        assertTrue(store.active().get(0).active());
    }

    @Test
    void anotherPluginMayRaiseAKeyOnceItIsResolved() {
        store.raise(WASTE, fire(AlertSeverity.HIGH, 0), HERE);
        store.resolve(WASTE, "fire-bin-007", T0.plusSeconds(60));
        assertEquals("nl.example.other", store.raise("nl.example.other", fire(AlertSeverity.LOW, 2), HERE).alert().source());
    }

    @Test
    void theHistoryKeepsOnlyTheMostRecentlyResolved() {
        for (int i = 0; i < 5; i++) {
            store.raise(WASTE, request("a-" + i, "security", AlertSeverity.LOW, i), null);
            store.resolve(WASTE, "a-" + i, T0.plusSeconds(3600 + i));
        }
        assertEquals(List.of("a-4", "a-3", "a-2"), store.history().stream().map(Alert::key).toList());
        assertEquals(Optional.empty(), store.find("a-0"));
    }

    @Test
    void activeAlertsAreMostSevereFirstThenNewest() {
        store.raise(WASTE, request("low-old", "security", AlertSeverity.LOW, 0), null);
        store.raise(WASTE, request("critical", "security", AlertSeverity.CRITICAL, 1), null);
        store.raise(WASTE, request("low-new", "security", AlertSeverity.LOW, 5), null);
        store.raise(WASTE, request("high", "security", AlertSeverity.HIGH, 2), null);

        assertEquals(List.of("critical", "high", "low-new", "low-old"), store.active().stream().map(Alert::key).toList());
    }

    @Test
    void queriesByStateCategoryAndSourceWithPaging() {
        AlertStore big = new AlertStore(100);
        big.raise(WASTE, request("w-1", "security", AlertSeverity.HIGH, 0), null);
        big.raise(WASTE, request("w-2", "maintenance", AlertSeverity.LOW, 1), null);
        big.raise("nl.regie.mobility", request("m-1", "traffic", AlertSeverity.MEDIUM, 2), null);
        big.raise("nl.regie.mobility", request("m-2", "security", AlertSeverity.HIGH, 3), null);
        big.resolve(WASTE, "w-1", T0.plusSeconds(600));
        big.resolve("nl.regie.mobility", "m-1", T0.plusSeconds(700));

        assertEquals(List.of("m-2", "w-2"), keys(big.query(AlertFilter.activeAlerts(), 0, 10)));
        assertEquals(List.of("m-1", "w-1"), keys(big.query(new AlertFilter(AlertFilter.State.RESOLVED, null, null), 0, 10)));
        assertEquals(List.of("m-2", "w-2", "m-1", "w-1"), keys(big.query(new AlertFilter(AlertFilter.State.ALL, null, null), 0, 10)));
        assertEquals(List.of("m-2", "w-1"), keys(big.query(new AlertFilter(AlertFilter.State.ALL, "security", null), 0, 10)));
        assertEquals(List.of("w-2", "w-1"), keys(big.query(new AlertFilter(AlertFilter.State.ALL, null, WASTE), 0, 10)));
        assertEquals(List.of("w-1"), keys(big.query(new AlertFilter(AlertFilter.State.RESOLVED, "security", WASTE), 0, 10)));

        AlertBook.Page page = big.query(new AlertFilter(AlertFilter.State.ALL, null, null), 1, 2);
        assertEquals(List.of("w-2", "m-1"), keys(page));
        assertEquals(4, page.total());
        AlertBook.Page beyond = big.query(new AlertFilter(AlertFilter.State.ALL, null, null), 10, 2);
        assertEquals(List.of(), beyond.alerts());
        assertEquals(4, beyond.total());
        assertEquals(4, big.query(new AlertFilter(AlertFilter.State.ALL, null, null), 0, Integer.MAX_VALUE).alerts().size());
    }

    @Test
    void resolvesEveryAlertOfOnePlugin() {
        store.raise(WASTE, request("w-1", "security", AlertSeverity.HIGH, 0), null);
        store.raise(WASTE, request("w-2", "security", AlertSeverity.LOW, 1), null);
        store.raise("nl.regie.mobility", request("m-1", "traffic", AlertSeverity.MEDIUM, 2), null);

        List<AlertStore.Change> changes = store.resolveAll(WASTE);

        assertEquals(List.of("w-1", "w-2"), changes.stream().map(c -> c.alert().key()).toList());
        assertEquals(List.of(T0, T0.plusSeconds(60)), changes.stream().map(c -> c.alert().validTo()).toList(),
                "each ends as of its own last update, in the plugin's clock");
        assertEquals(List.of("m-1"), store.active().stream().map(Alert::key).toList());
    }

    @Test
    void concurrentRaisesOfOneKeyByTwoPluginsLeaveOneOwner() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 200; round++) {
                AlertStore shared = new AlertStore();
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Boolean>> results = new ArrayList<>();
                for (String plugin : List.of("nl.example.a", "nl.example.b")) {
                    results.add(threads.submit(() -> {
                        start.await();
                        try {
                            shared.raise(plugin, fire(AlertSeverity.HIGH, 0), HERE);
                            return true;
                        } catch (IllegalStateException refused) {
                            return false;
                        }
                    }));
                }
                start.countDown();
                int won = 0;
                for (Future<Boolean> result : results) {
                    won += result.get(5, TimeUnit.SECONDS) ? 1 : 0;
                }
                assertEquals(1, won);
                assertEquals(1, shared.active().size());
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void refusesAnEmptyHistory() {
        assertThrows(IllegalArgumentException.class, () -> new AlertStore(0));
    }

    private static List<String> keys(AlertBook.Page page) {
        return page.alerts().stream().map(Alert::key).toList();
    }
}
