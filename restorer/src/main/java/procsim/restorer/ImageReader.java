package procsim.restorer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;

/**
 * Reads an image with Jackson's streaming parser and maps it by hand: a restore's start is on the
 * critical path, and databind's first use (building deserializers for fourteen record types by
 * reflection) cost ~0.4 s of CPU for a 1,000-process image, the parse ~0.07 s. As strict as
 * {@link ImageJson}'s mapper: every field present, none unknown, numbers as integers of their
 * range, booleans and strings as such, no key twice, nothing after the object; one line naming
 * the field otherwise.
 */
final class ImageReader {
    private static final JsonFactory JSON = JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private ImageReader() {
    }

    /** A JSON value as plain Java: Map (in order), List, Long, String, Boolean, or null. */
    static Object parse(byte[] text) throws ImageException {
        try (JsonParser p = JSON.createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == null) throw new ImageException("not a procsim image (empty)");
            Object v = value(p, t);
            if (p.nextToken() != null) throw new ImageException("not a procsim image (not JSON: text after the image)");
            return v;
        } catch (JsonParseException e) {
            String m = e.getOriginalMessage();
            throw new ImageException("not a procsim image (not JSON: " + (m == null ? "unreadable" : m.lines().findFirst().orElse(m)) + ")");
        } catch (IOException e) {
            throw new ImageException("not a procsim image (" + e.getMessage() + ")");
        }
    }

    private static Object value(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
                    String name = p.currentName();
                    m.put(name, value(p, p.nextToken()));
                }
                return m;
            }
            case START_ARRAY -> {
                List<Object> l = new ArrayList<>();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) l.add(value(p, e));
                return l;
            }
            case VALUE_NUMBER_INT -> {
                return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? (Object) p.getBigIntegerValue() : (Object) p.getLongValue();
            }
            case VALUE_NUMBER_FLOAT -> {
                return p.getDecimalValue();
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_TRUE -> {
                return Boolean.TRUE;
            }
            case VALUE_FALSE -> {
                return Boolean.FALSE;
            }
            default -> {
                return null;
            }
        }
    }

    /**
     * An object being mapped: its fields by name, and where it is (its parent, the field and the
     * index it is at), made into a path only for a message: a path string per field read was most
     * of a 1,000-process image's mapping.
     */
    private static final class Obj {
        private final Map<String, Object> fields;
        private final Obj parent;
        private final String name;
        private final int index;

        /** The image's root object. */
        Obj(Object v) throws ImageException {
            this(v, null, "", -1);
        }

        private Obj(Object v, Obj parent, String name, int index) throws ImageException {
            this.parent = parent;
            this.name = name;
            this.index = index;
            if (!(v instanceof Map<?, ?>)) throw bad(path(), "not an object");
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) v;
            this.fields = m;
        }

        private static ImageException bad(String path, String what) {
            return new ImageException("bad image: " + path + ": " + what);
        }

        /** Where this object is: {@code processes[3].creds}; "" for the root. */
        private String path() {
            if (parent == null) return "";
            return index < 0 ? parent.at(name) : parent.at(name, index);
        }

        private String at(String k) {
            String path = path();
            return path.isEmpty() ? k : path + "." + k;
        }

        private String at(String k, int i) {
            return at(k) + "[" + i + "]";
        }

        /** Refuses a field not named in {@code known} (distinct names: they are counted). */
        Obj only(String... known) throws ImageException {
            int present = 0;
            for (String k : known) {
                if (fields.containsKey(k)) present++;
            }
            if (present == fields.size()) return this;
            for (String k : fields.keySet()) {
                if (!List.of(known).contains(k)) throw bad(at(k), "Unrecognized field \"" + k + "\" (one of " + String.join(", ", known) + ")");
            }
            return this;
        }

        private Object get(String k) throws ImageException {
            Object v = fields.get(k);
            if (v == null && !fields.containsKey(k)) {
                String path = path();
                throw bad(path.isEmpty() ? "the image" : path, "missing field \"" + k + "\"");
            }
            if (v == null) throw bad(at(k), "null");
            return v;
        }

        /** The integer {@code v} of field {@code k} (element {@code i} of it when not -1), in min..max. */
        private long number(Object v, String k, int i, long min, long max) throws ImageException {
            if (v instanceof Long n && n >= min && n <= max) return n;
            String where = i < 0 ? at(k) : at(k, i);
            if (!(v instanceof Long n)) throw bad(where, "not an integer: " + describe(v));
            throw bad(where, n + " is out of range");
        }

        private static String describe(Object v) {
            return v instanceof String s ? "\"" + s + "\"" : String.valueOf(v);
        }

        int i(String k) throws ImageException {
            return (int) number(get(k), k, -1, Integer.MIN_VALUE, Integer.MAX_VALUE);
        }

        long l(String k) throws ImageException {
            return number(get(k), k, -1, Long.MIN_VALUE, Long.MAX_VALUE);
        }

        String s(String k) throws ImageException {
            Object v = get(k);
            if (!(v instanceof String s)) throw bad(at(k), "not a string: " + describe(v));
            return s;
        }

        boolean b(String k) throws ImageException {
            Object v = get(k);
            if (!(v instanceof Boolean b)) throw bad(at(k), "not a boolean: " + describe(v));
            return b;
        }

        Obj o(String k) throws ImageException {
            return new Obj(get(k), this, k, -1);
        }

        List<?> list(String k) throws ImageException {
            Object v = get(k);
            if (!(v instanceof List<?> l)) throw bad(at(k), "not an array: " + describe(v));
            return l;
        }

        List<Obj> objs(String k) throws ImageException {
            List<Obj> out = new ArrayList<>();
            List<?> l = list(k);
            for (int i = 0; i < l.size(); i++) out.add(new Obj(l.get(i), this, k, i));
            return out;
        }

        List<Long> longs(String k) throws ImageException {
            List<Long> out = new ArrayList<>();
            List<?> l = list(k);
            for (int i = 0; i < l.size(); i++) out.add(number(l.get(i), k, i, Long.MIN_VALUE, Long.MAX_VALUE));
            return out;
        }

        List<Integer> ints(String k) throws ImageException {
            List<Integer> out = new ArrayList<>();
            List<?> l = list(k);
            for (int i = 0; i < l.size(); i++) out.add((int) number(l.get(i), k, i, Integer.MIN_VALUE, Integer.MAX_VALUE));
            return out;
        }

        List<String> strings(String k) throws ImageException {
            List<String> out = new ArrayList<>();
            List<?> l = list(k);
            for (int i = 0; i < l.size(); i++) {
                if (!(l.get(i) instanceof String s)) throw bad(at(k, i), "not a string: " + describe(l.get(i)));
                out.add(s);
            }
            return out;
        }
    }

    /** The image in {@code text}, format and version checked first. */
    static Image read(byte[] text) throws ImageException {
        Object root = parse(text);
        if (!(root instanceof Map<?, ?> m) || !Image.FORMAT.equals(m.get("format"))) {
            throw new ImageException("not a procsim image (no \"format\": \"" + Image.FORMAT + "\")");
        }
        Object v = m.get("version");
        if (!(v instanceof Long n) || n < Image.OLDEST_VERSION || n > Image.VERSION) {
            throw new ImageException("image version " + (v instanceof String s ? "\"" + s + "\"" : v)
                    + " is not supported (this procsim reads versions " + Image.OLDEST_VERSION + " to " + Image.VERSION + ")");
        }
        int version = (int) (long) (Long) v;
        Obj img = new Obj(root).only("format", "version", "processes", "msg", "sem", "shm");
        List<Image.Process> procs = new ArrayList<>();
        for (Obj p : img.objs("processes")) procs.add(process(p, version));
        List<Image.MsgQueue> msg = new ArrayList<>();
        for (Obj q : img.objs("msg")) {
            q.only("id", "key", "perms", "uid", "gid", "cuid", "cgid", "qbytes", "messages", "times");
            List<Image.Message> messages = new ArrayList<>();
            for (Obj x : q.objs("messages")) messages.add(new Image.Message(x.only("mtype", "text").l("mtype"), x.s("text")));
            Obj t = q.o("times").only("stime", "rtime", "ctime", "lspid", "lrpid");
            msg.add(new Image.MsgQueue(q.i("id"), q.l("key"), q.s("perms"), q.l("uid"), q.l("gid"), q.l("cuid"), q.l("cgid"),
                    q.l("qbytes"), messages, new Image.MsgTimes(t.l("stime"), t.l("rtime"), t.l("ctime"), t.l("lspid"), t.l("lrpid"))));
        }
        List<Image.SemSet> sem = new ArrayList<>();
        for (Obj s : img.objs("sem")) {
            s.only("id", "key", "perms", "nsems", "uid", "gid", "cuid", "cgid", "values", "times");
            Obj t = s.o("times").only("otime", "ctime");
            sem.add(new Image.SemSet(s.i("id"), s.l("key"), s.s("perms"), s.i("nsems"), s.l("uid"), s.l("gid"), s.l("cuid"),
                    s.l("cgid"), s.longs("values"), new Image.SemTimes(t.l("otime"), t.l("ctime"))));
        }
        List<Image.ShmSegment> shm = new ArrayList<>();
        for (Obj s : img.objs("shm")) {
            s.only("id", "key", "perms", "size", "uid", "gid", "cuid", "cgid", "times");
            Obj t = s.o("times").only("atime", "dtime", "ctime", "cpid", "lpid");
            shm.add(new Image.ShmSegment(s.i("id"), s.l("key"), s.s("perms"), s.l("size"), s.l("uid"), s.l("gid"), s.l("cuid"),
                    s.l("cgid"), new Image.ShmTimes(t.l("atime"), t.l("dtime"), t.l("ctime"), t.l("cpid"), t.l("lpid"))));
        }
        return new Image(img.s("format"), img.i("version"), procs, msg, sem, shm);
    }

    private static final String[] PROCESS_FIELDS_V1 = {"pid", "ppid", "nspid", "pidns", "comm", "exitSignal", "state",
        "subreaper", "argv", "creds", "threads", "fds", "shmAttaches"};
    private static final String[] PROCESS_FIELDS_V2 = with(PROCESS_FIELDS_V1, "sigactions");
    private static final String[] PROCESS_FIELDS_V3 = with(PROCESS_FIELDS_V2, "sigmask", "sigpending", "ownSigpending");
    private static final String[] PROCESS_FIELDS = with(PROCESS_FIELDS_V3, "pgid", "sid");
    private static final String[] THREAD_FIELDS_V2 = {"tid", "nspid", "comm", "creds"};
    private static final String[] THREAD_FIELDS = with(THREAD_FIELDS_V2, "sigmask", "ownSigpending");

    private static String[] with(String[] fields, String... more) {
        return Stream.concat(Stream.of(fields), Stream.of(more)).toArray(String[]::new);
    }

    /**
     * A process of an image of {@code version}: version 1's has no sigactions (all SIG_DFL), versions
     * 1 and 2 no sigmask, sigpending nor ownSigpending (no mask, nothing pending), versions 1 to 3 no
     * pgid nor sid (init's group and session, 1).
     */
    private static Image.Process process(Obj p, int version) throws ImageException {
        p.only(version == 1 ? PROCESS_FIELDS_V1 : version == 2 ? PROCESS_FIELDS_V2 : version == 3 ? PROCESS_FIELDS_V3 : PROCESS_FIELDS);
        List<Image.Thread> threads = new ArrayList<>();
        for (Obj t : p.objs("threads")) {
            t.only(version < 3 ? THREAD_FIELDS_V2 : THREAD_FIELDS);
            threads.add(new Image.Thread(t.i("tid"), t.ints("nspid"), t.s("comm"), creds(t.o("creds")), sigs(t, "sigmask", version),
                    sigs(t, "ownSigpending", version)));
        }
        List<Image.Fd> fds = new ArrayList<>();
        for (Obj f : p.objs("fds")) fds.add(new Image.Fd(f.only("fd", "flags", "pos", "path").i("fd"), f.s("flags"), f.l("pos"), f.s("path")));
        List<Image.ShmAttach> attaches = new ArrayList<>();
        for (Obj a : p.objs("shmAttaches")) {
            attaches.add(new Image.ShmAttach(a.only("address", "shmid", "mode").l("address"), a.i("shmid"), a.s("mode")));
        }
        List<Image.SigAction> sigactions = new ArrayList<>();
        if (version > 1) {
            for (Obj a : p.objs("sigactions")) {
                sigactions.add(new Image.SigAction(a.only("sig", "handler", "flags").i("sig"), a.s("handler"), a.s("flags")));
            }
        }
        return new Image.Process(p.i("pid"), p.i("ppid"), p.ints("nspid"), p.s("pidns"), p.s("comm"), p.i("exitSignal"),
                p.s("state"), p.b("subreaper"), p.strings("argv"), creds(p.o("creds")), threads, fds, attaches, sigactions,
                sigs(p, "sigmask", version), sigs(p, "sigpending", version), sigs(p, "ownSigpending", version),
                version < 4 ? Image.INIT_GROUP : p.i("pgid"), version < 4 ? Image.INIT_GROUP : p.i("sid"));
    }

    /** A signal list of version 3 ({@code sigmask}, {@code sigpending}, {@code ownSigpending}); empty before it. */
    private static List<Integer> sigs(Obj o, String k, int version) throws ImageException {
        return version < 3 ? List.of() : o.ints(k);
    }

    private static Image.Creds creds(Obj c) throws ImageException {
        c.only("uid", "gid", "caps", "keepcaps");
        Obj k = c.o("caps").only("inheritable", "permitted", "effective", "bounding", "ambient");
        return new Image.Creds(c.longs("uid"), c.longs("gid"), new Image.Caps(k.s("inheritable"), k.s("permitted"),
                k.s("effective"), k.s("bounding"), k.s("ambient")), c.b("keepcaps"));
    }
}
