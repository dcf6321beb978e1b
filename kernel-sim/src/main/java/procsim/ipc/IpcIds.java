package procsim.ipc;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

import procsim.abi.Errno;

/**
 * One IPC type's ids in one namespace ({@code struct ipc_ids}, ipc/util.c): the idr of objects
 * by idx, the key hash, in_use, seq, last_idx, the cyclic cursor and next_id (the
 * {@code *_next_id} sysctl). Allocation follows {@code ipc_idr_alloc} of Linux 5.2+.
 */
public final class IpcIds<T extends KernIpcPerm> {
    /** IPCMNI: 32768 indexes, idx in bits 0-14, seq above. */
    public static final int IPCMNI = 32768;
    public static final int IPCMNI_SHIFT = 15;
    /** ipcid_seq_max() = INT_MAX >> IPCMNI_SHIFT */
    public static final int SEQ_MAX = Integer.MAX_VALUE >> IPCMNI_SHIFT;
    /** ipc_min_cycle = RADIX_TREE_MAP_SIZE */
    public static final int MIN_CYCLE = 64;

    // guarded by the kernel lock
    private final TreeMap<Integer, T> byIdx = new TreeMap<>();
    private final Map<Integer, T> byKey = new HashMap<>();
    private int seq;
    private int lastIdx = -1;
    private int cursor;
    private int nextId = -1;

    public int inUse() {
        return byIdx.size();
    }

    public int nextId() {
        return nextId;
    }

    /** The {@code *_next_id} sysctl write: [0, INT_MAX], else EINVAL. */
    public void setNextId(long value) {
        if (value < 0 || value > Integer.MAX_VALUE) throw Errno.EINVAL.error();
        nextId = (int) value;
    }

    public T byKey(int key) {
        return byKey.get(key);
    }

    /** {@code ipc_obtain_object_check}: the idx must exist and the seq match, else EINVAL. */
    public T check(int id) {
        if (id < 0) throw Errno.EINVAL.error();
        T obj = byIdx.get(id & (IPCMNI - 1));
        if (obj == null || obj.seq != (id >>> IPCMNI_SHIFT)) throw Errno.EINVAL.error();
        return obj;
    }

    /** Objects in ascending idx order (the /proc/sysvipc order). */
    public void forEach(Consumer<T> f) {
        byIdx.values().forEach(f);
    }

    /**
     * {@code ipc_addid} after the in_use limit check. With {@code exactId} (next_syscall_data)
     * the object gets exactly that id: EINVAL if it does not decompose, EBUSY if its idx is
     * taken; neither the cursor nor next_id moves. Otherwise next_id is consumed if set (the
     * lowest free idx at or above it, its seq) or the cyclic cursor chooses.
     */
    public void add(T obj, long exactId) {
        int idx;
        int s;
        if (exactId >= 0) {
            if (exactId > Integer.MAX_VALUE) throw Errno.EINVAL.error();
            idx = (int) exactId & (IPCMNI - 1);
            s = (int) exactId >>> IPCMNI_SHIFT;
            if (byIdx.containsKey(idx)) throw Errno.EBUSY.error();
        } else if (nextId >= 0) {
            int want = nextId;
            nextId = -1;
            s = want >>> IPCMNI_SHIFT;
            idx = lowestFree(want & (IPCMNI - 1), IPCMNI);
            if (idx < 0) throw Errno.ENOSPC.error();
        } else {
            int maxIdx = Math.min(Math.max(inUse() * 3 / 2, MIN_CYCLE), IPCMNI);
            int start = cursor < maxIdx ? cursor : 0;
            idx = lowestFree(start, maxIdx);
            if (idx < 0 && start > 0) idx = lowestFree(0, maxIdx);
            if (idx < 0) throw Errno.ENOSPC.error();
            cursor = idx + 1;
            if (idx <= lastIdx) {
                seq++;
                if (seq >= SEQ_MAX) seq = 0;
            }
            lastIdx = idx;
            s = seq;
        }
        obj.seq = s;
        obj.id = (s << IPCMNI_SHIFT) + idx;
        byIdx.put(idx, obj);
        if (obj.key != 0) byKey.put(obj.key, obj);
    }

    /** {@code ipc_rmid}. */
    public void remove(T obj) {
        byIdx.remove(obj.idx(), obj);
        if (obj.key != 0) byKey.remove(obj.key, obj);
        obj.deleted = true;
    }

    /** {@code ipc_set_key_private}: an shm segment marked for destruction loses its key. */
    public void makePrivate(T obj) {
        if (obj.key != 0) byKey.remove(obj.key, obj);
        obj.key = 0;
    }

    private int lowestFree(int from, int to) {
        for (int i = from; i < to; i++) {
            if (!byIdx.containsKey(i)) return i;
        }
        return -1;
    }
}
