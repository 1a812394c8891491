package nl.regie.mqtt.client;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Objects;

import javax.net.SocketFactory;

/**
 * A socket factory that turns Nagle's algorithm off (TCP_NODELAY) on every socket it makes. Paho never sets it,
 * and with Nagle on, small MQTT packets wait for the peer's delayed acknowledgement: about 40 ms at the 99th
 * percentile on loopback, against about 1 ms without it (design brief, "Measuring fairly"). One class for every Paho
 * client Regie makes: the device bridge's and the federation's links (a private copy in each bundle), the simulated
 * city's, and the tests' and benchmarks' clients, so that Regie and the bare Paho client it is measured against get
 * the same sockets.
 *
 * <p>For plain TCP (the default factory) the socket's input is buffered too: Paho reads a packet's fixed header and
 * each byte of its length with a read of its own on the socket's stream (a system call each: three or more per
 * acknowledgement and per message received); through a buffer, one read takes in what has arrived. A TLS socket
 * buffers its records already and is left as it is.
 */
public final class NoDelaySocketFactory extends SocketFactory {

    private final SocketFactory delegate;
    private final boolean plain;

    /** Wraps a factory, for example {@link SocketFactory#getDefault()}. */
    public NoDelaySocketFactory(SocketFactory delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.plain = delegate == SocketFactory.getDefault();
    }

    /** The unconnected socket Paho asks for and then connects: buffered input for plain TCP. */
    @Override
    public Socket createSocket() throws IOException {
        return noDelay(plain ? new BufferedInputSocket() : delegate.createSocket());
    }

    /** A plain socket whose input stream is buffered (one stream for the socket's life, made on first use). */
    static final class BufferedInputSocket extends Socket {
        private InputStream input;

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (input == null) {
                input = new BufferedInputStream(super.getInputStream(), 16 * 1024);
            }
            return input;
        }
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return noDelay(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return noDelay(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return noDelay(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return noDelay(delegate.createSocket(address, port, localAddress, localPort));
    }

    /** Turns Nagle's algorithm off on a socket, and returns it (for a TLS factory's sockets, which Paho wants from an
     * {@code SSLSocketFactory} of its own). */
    public static <S extends Socket> S noDelay(S socket) throws IOException {
        socket.setTcpNoDelay(true);
        return socket;
    }
}
