package nl.regie.simulator;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.eclipse.paho.mqttv5.client.MqttPingSender;
import org.eclipse.paho.mqttv5.client.internal.ClientComms;

/**
 * Paho's keep-alive pings for one connection on a scheduler shared by all of them, instead of Paho's default of
 * one timer thread per connection (whose tasks also rename the thread they run on).
 */
final class SharedPingSender implements MqttPingSender {

    private final ScheduledExecutorService scheduler;
    private volatile ClientComms comms;
    private volatile ScheduledFuture<?> next;

    SharedPingSender(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    @Override
    public void init(ClientComms clientComms) {
        if (clientComms == null) {
            throw new IllegalArgumentException("ClientComms cannot be null");
        }
        this.comms = clientComms;
    }

    @Override
    public void start() {
        schedule(comms.getKeepAlive());
    }

    @Override
    public void stop() {
        ScheduledFuture<?> pending = next;
        if (pending != null) {
            pending.cancel(false);
        }
    }

    @Override
    public void schedule(long delayInMilliseconds) {
        try {
            next = scheduler.schedule(this::ping, delayInMilliseconds, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            // The simulator is closing; its connections go with it.
        }
    }

    private void ping() {
        ClientComms current = comms;
        if (current != null) {
            current.checkForActivity();
        }
    }
}
