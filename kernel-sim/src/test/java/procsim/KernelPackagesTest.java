package procsim;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * kernel-sim's packages form a DAG, kernel-sim needs the JDK only, the model types what it holds,
 * and its files each make one thing.
 */
class KernelPackagesTest {
    private static final JavaClasses KERNEL_SIM = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("procsim");

    @Test
    void packagesFormADag() {
        slices().matching("procsim.(*)..").should().beFreeOfCycles()
                .check(KERNEL_SIM);
    }

    @Test
    void needsTheJdkOnly() {
        classes().should().onlyDependOnClassesThat().resideInAnyPackage("procsim..", "java..")
                .check(KERNEL_SIM);
    }

    /** No field or method result is a bare Object (as Pid.owner and childReaper were): callers never cast. */
    @Test
    void modelTypesWhatItHolds() {
        List<String> untyped = KERNEL_SIM.stream()
                .flatMap(c -> Stream.concat(
                        c.getFields().stream().filter(f -> isObject(f.getType())),
                        c.getMethods().stream().filter(m -> !m.getModifiers().contains(JavaModifier.SYNTHETIC)
                                && isObject(m.getReturnType()))))
                .map(JavaMember::getFullName)
                .toList();
        assertThat(untyped).isEmpty();
    }

    private static boolean isObject(JavaType t) {
        return t instanceof JavaClass c && c.isEquivalentTo(Object.class);
    }

    /**
     * SysV IPC splits as Linux's ipc/ does: msg.c, sem.c and shm.c share only util.c ({@code
     * IpcUtil}), never each other's code or objects.
     */
    @ParameterizedTest
    @CsvSource({
        "Msg, Sem|Shm|SemArray|ShmSegment|ShmAttaches|ShmMapping",
        "Sem, Msg|Shm|MsgQueue|ShmSegment|ShmAttaches|ShmMapping",
        "Shm, Msg|Sem|MsgQueue|SemArray",
    })
    void ipcSplitsAsLinuxIpcDoes(String file, String others) {
        notUsing("procsim.ipc", file, others);
    }

    /**
     * The process lifecycle is one file per concern, as gVisor's task_clone.go, task_exit.go, ...:
     * each uses only TaskSet (the task table and tree), exit (what the others end in) and creds.
     */
    @ParameterizedTest
    @CsvSource({
        "TaskClone, TaskWait|TaskExec|TaskSignals|TaskUnshare|TaskSession",
        "TaskExit, TaskClone|TaskWait|TaskExec|TaskSignals|TaskUnshare|TaskSession",
        "TaskWait, TaskClone|TaskExec|TaskSignals|TaskUnshare|TaskSession",
        "TaskExec, TaskClone|TaskWait|TaskSignals|TaskUnshare|TaskSession",
        "TaskSignals, TaskClone|TaskWait|TaskExec|TaskUnshare|TaskSession",
        "TaskUnshare, TaskClone|TaskWait|TaskExec|TaskSignals|TaskSession",
        "TaskSession, TaskClone|TaskWait|TaskExec|TaskSignals|TaskUnshare",
    })
    void taskLifecycleIsOneFilePerConcern(String file, String others) {
        notUsing("procsim.task", file, others);
    }

    private static void notUsing(String pkg, String file, String others) {
        List<String> names = Stream.of(others.split("\\|")).map(n -> pkg + "." + n).toList();
        noClasses().that().haveFullyQualifiedName(pkg + "." + file)
                .or().haveNameMatching(pkg.replace(".", "\\.") + "\\." + file + "\\$.*")
                .should().dependOnClassesThat(DescribedPredicate.describe(others,
                        c -> names.stream().anyMatch(n -> c.getName().equals(n) || c.getName().startsWith(n + "$"))))
                .check(KERNEL_SIM);
    }
}
