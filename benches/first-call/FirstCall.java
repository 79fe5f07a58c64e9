import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * One fresh JVM's first SQL query (H2, in memory), first file open and first process launch, each
 * timed around the call alone, then the same call a second time. Prints one line of
 * {@code name=microseconds} pairs for benches/first-call/run.
 */
public final class FirstCall {

    private FirstCall() {
    }

    public static void main(String[] args) throws Exception {
        StringBuilder out = new StringBuilder();
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
        p.waitFor();
        t = System.nanoTime();
        p = new ProcessBuilder("true").start();
        out.append(" process_second=").append(micros(t));
        p.waitFor();

        c.close();
        System.out.println(out);
    }

    private static long micros(long since) {
        return (System.nanoTime() - since) / 1000;
    }
}
