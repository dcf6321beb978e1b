package procsim.fuse;

import java.util.Optional;

import jnr.ffi.LibraryLoader;

/**
 * Whether libfuse2 loads, with the calls the mount makes ({@link FuseSession.Lib}): the library
 * "fuse" on jnr-ffi's search path, then {@code libfuse.so.2} through the dynamic loader, so a
 * missing library is a message before the mount, not an {@code UnsatisfiedLinkError} from inside it.
 */
public final class FuseLibrary {
    private FuseLibrary() {
    }

    /** Empty when libfuse2 loads; else why not (the loader's message). */
    public static Optional<String> loadError() {
        try {
            load(FuseSession.api());
            return Optional.empty();
        } catch (LinkageError | RuntimeException e) {
            String why = e.getMessage();
            return Optional.of(why == null ? e.toString() : why.lines().findFirst().orElse(why));
        }
    }

    /** Binds {@code api} to libfuse2; the second name's failure is thrown. */
    static <T> T load(Class<T> api) {
        try {
            return LibraryLoader.create(api).failImmediately().load("fuse");
        } catch (LinkageError | RuntimeException first) {
            return LibraryLoader.create(api).failImmediately().load("libfuse.so.2");
        }
    }
}
