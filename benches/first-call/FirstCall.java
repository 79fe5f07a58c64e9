import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * One fresh JVM's first SQL query (H2, in memory), first file open and first process launch, each
 * timed around the call alone, then the same call a second time; and, from the launch of the JVM
 * (the script passes its time, {@code -Dfirstcall.launched} in epoch nanoseconds), when {@code main}
 * began and when the first calls were all done: what an agent's start-up work costs however it is
 * split between {@code premain} and the first calls. Prints one line of {@code name=microseconds}
 * pairs for benches/first-call/run.
 */
public final class FirstCall {

    private FirstCall() {
    }

    public static void main(String[] args) throws Exception {
        long launched = Long.getLong("firstcall.launched", 0L);
        StringBuilder out = new StringBuilder();
        out.append("main_started=").append(sinceLaunch(launched)).append(' ');
        File file = File.createTempFile("first-call", ".txt");
        file.deleteOnExit();
        try (FileOutputStream w = new FileOutputStream(file)) {
            w.write('x');
        }

        long t = System.nanoTime();
        Connection c = DriverManager.getConnection("jdbc:h2:mem:first;DB_CLOSE_DELAY=-1", "sa", "");
        Statement s = c.createStatement();
        out.append("sql_connect=").append(micros(t));
        t = System.nanoTime();
        try (ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
        }
        out.append(" sql_first=").append(micros(t));
        t = System.nanoTime();
        try (ResultSet rs = s.executeQuery("SELECT 2")) {
            rs.next();
        }
        out.append(" sql_second=").append(micros(t));

        t = System.nanoTime();
        try (FileInputStream in = new FileInputStream(file)) {
            out.append(" file_first=").append(micros(t));
            in.read();
        }
        t = System.nanoTime();
        try (FileInputStream in = new FileInputStream(file)) {
            out.append(" file_second=").append(micros(t));
            in.read();
        }

        t = System.nanoTime();
        Process p = new ProcessBuilder("true").start();
        out.append(" process_first=").append(micros(t));
        out.append(" first_calls_done=").append(sinceLaunch(launched));
        p.waitFor();
        t = System.nanoTime();
        p = new ProcessBuilder("true").start();
        out.append(" process_second=").append(micros(t));
        p.waitFor();

        c.close();
        System.out.println(out);
    }

    /** Microseconds since the launch (0 when the script did not say when that was). */
    private static long sinceLaunch(long launchedEpochNanos) {
        if (launchedEpochNanos == 0) {
            return 0;
        }
        java.time.Instant now = java.time.Instant.now();
        return (now.getEpochSecond() * 1_000_000_000L + now.getNano() - launchedEpochNanos) / 1000;
    }

    private static long micros(long since) {
        return (System.nanoTime() - since) / 1000;
    }
}
