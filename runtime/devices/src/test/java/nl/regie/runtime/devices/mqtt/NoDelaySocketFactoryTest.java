package nl.regie.runtime.devices.mqtt;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;

import nl.regie.mqtt.client.NoDelaySocketFactory;

import org.junit.jupiter.api.Test;

class NoDelaySocketFactoryTest {

    @Test
    void everySocketHasNagleOff() throws Exception {
        SocketFactory factory = new NoDelaySocketFactory(SocketFactory.getDefault());
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket unconnected = factory.createSocket();
                Socket connected = factory.createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
            assertTrue(unconnected.getTcpNoDelay());
            unconnected.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
            assertTrue(unconnected.getTcpNoDelay());
            assertTrue(connected.getTcpNoDelay());
        }
        try (Socket tls = new NoDelaySslSocketFactory((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket()) {
            assertTrue(tls.getTcpNoDelay());
        }
    }

    @Test
    void theBridgeConnectsThroughIt() throws Exception {
        assertInstanceOf(NoDelaySocketFactory.class,
                PahoConnection.options(ConnectionSettings.of("tcp://127.0.0.1:1883", "x")).getSocketFactory());
        assertInstanceOf(NoDelaySslSocketFactory.class,
                PahoConnection.options(ConnectionSettings.of("ssl://127.0.0.1:8883", "x")).getSocketFactory());
    }
}
