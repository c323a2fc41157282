package dev.pausable.controlplane.schedule;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Any number of control planes serve the API on one database; exactly one leads: it holds a PostgreSQL
 * session advisory lock on a connection of its own and runs the reconciler, the admission of queued jobs
 * (so every launch) and the checkpoint sweeper. The others try for the lock every
 * {@code pausable.leadership.check-interval}. A leader that dies loses its session and so the lock: at
 * once when its process is killed, within the server's TCP keepalive (set short on this session) when
 * its host or network is; a leader that cannot confirm its session within the check steps down.
 */
@Component
@EnableConfigurationProperties(LeadershipProperties.class)
public class Leadership extends PeriodicTask {

    /** The advisory lock's key: "pausable" in ASCII. */
    static final long LOCK_KEY = 0x7061757361626c65L;
    private static final Logger log = LoggerFactory.getLogger(Leadership.class);

    private final HikariDataSource database;
    private final LeadershipProperties settings;
    private final List<Runnable> onLead = new CopyOnWriteArrayList<>();
    private volatile boolean leader;
    private Connection session;

    Leadership(DataSource dataSource, LeadershipProperties settings) {
        super("leadership");
        if (!(dataSource instanceof HikariDataSource hikari)) {
            throw new IllegalStateException("Leadership needs the database's address: " + dataSource.getClass());
        }
        this.database = hikari;
        this.settings = settings;
    }

    /** Whether this control plane leads now (checked before every leader-only pass). */
    public boolean isLeader() {
        return leader;
    }

    /** Runs {@code task} whenever this control plane becomes the leader (on the leadership thread). */
    public void onLead(Runnable task) {
        onLead.add(task);
    }

    @Override
    protected Duration interval() {
        return settings.checkInterval();
    }

    /** One look: take the lock if free, or prove the session that holds it still alive. */
    @Override
    protected synchronized void pass() {
        try {
            if (session == null) {
                session = connect();
            }
            if (leader) {
                try (Statement statement = session.createStatement()) {
                    statement.execute("SELECT 1");
                }
                return;
            }
            try (Statement statement = session.createStatement();
                 ResultSet locked = statement.executeQuery("SELECT pg_try_advisory_lock(" + LOCK_KEY + ")")) {
                locked.next();
                if (locked.getBoolean(1)) {
                    leader = true;
                    log.info("This control plane leads: it runs the reconciler, admission and launches, and the sweeper");
                    onLead.forEach(Runnable::run);
                }
            }
        } catch (SQLException | RuntimeException e) {
            stepDown("its database session failed: " + e.getMessage());
        }
    }

    private Connection connect() throws SQLException {
        Connection connection = DriverManager.getConnection(database.getJdbcUrl(), database.getUsername(),
                database.getPassword());
        int seconds = (int) Math.max(1, settings.checkInterval().toSeconds());
        connection.setNetworkTimeout(Runnable::run, (int) settings.checkInterval().toMillis());
        try (Statement statement = connection.createStatement()) {
            // The server drops this session (and the lock) soon after its peer vanishes without a FIN.
            statement.execute("SET tcp_keepalives_idle = " + seconds);
            statement.execute("SET tcp_keepalives_interval = " + seconds);
            statement.execute("SET tcp_keepalives_count = 3");
            statement.execute("SET application_name = 'pausable leadership'");
        }
        return connection;
    }

    private synchronized void stepDown(String why) {
        if (leader) {
            log.warn("This control plane no longer leads: {}", why);
        }
        leader = false;
        if (session != null) {
            try {
                session.close();
            } catch (SQLException ignored) {
                // The session is gone either way; so is its lock.
            }
            session = null;
        }
    }

    /** After the last pass (a pass in progress holds this object's lock), the session and its lock go. */
    @Override
    public synchronized void stop() {
        super.stop();
        stepDown("it is stopping");
    }

    /** Started before, stopped after, the periodic passes that ask it. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 1000;
    }
}
