package procsim;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;

import procsim.fuse.FuseMount;
import procsim.kernel.Kernel;
import procsim.race.RaceReplay;
import procsim.restorer.RestoreMethod;

/**
 * The modules' boundaries (issue 13): kernel-sim imports nothing of race-lab or fuse-fs and holds
 * no race-lab class; restorer imports nothing of kernel-sim, race-lab or fuse-fs (the files are its
 * contract); race-lab imports nothing of fuse-fs and no jnr, and has no restorer protocol of its
 * own (it creates its children through restorer's); of all four, only fuse-fs's
 * {@code procsim.fuse} package imports jnr. The modules share the {@code procsim} package root, so
 * each is the set of classes found where one of its classes was loaded from (its
 * {@code target/classes} or its jar), main classes only.
 */
class ModuleBoundariesTest {
    private static final JavaClasses KERNEL_SIM = module(Kernel.class);
    private static final JavaClasses RACE_LAB = module(RaceReplay.class);
    private static final JavaClasses RESTORER = module(RestoreMethod.class);
    private static final JavaClasses FUSE_FS = module(FuseMount.class);
    private static final String[] JNR = {"jnr.."};

    private static JavaClasses module(Class<?> member) {
        try {
            Path where = Path.of(member.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isDirectory(where)) return new ClassFileImporter().importPath(where);
            try (JarFile jar = new JarFile(where.toFile())) {
                return new ClassFileImporter().importJar(jar);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static DescribedPredicate<JavaClass> classOf(String name, JavaClasses module) {
        Set<String> names = module.stream().map(JavaClass::getName).collect(Collectors.toSet());
        return DescribedPredicate.describe("a class of " + name, c -> names.contains(c.getName()));
    }

    @Test
    void eachModuleIsFoundAndTheyShareNoClass() {
        assertThat(KERNEL_SIM.contain(Kernel.class)).isTrue();
        assertThat(RACE_LAB.contain(RaceReplay.class)).isTrue();
        assertThat(FUSE_FS.contain(FuseMount.class)).isTrue();
        assertThat(RESTORER.contain(RestoreMethod.class)).isTrue();
        assertThat(RESTORER.contain(Kernel.class) || RESTORER.contain(RaceReplay.class) || RESTORER.contain(FuseMount.class))
                .isFalse();
        assertThat(RACE_LAB.contain(RestoreMethod.class) || FUSE_FS.contain(RestoreMethod.class)).isFalse();
        assertThat(KERNEL_SIM.contain(RaceReplay.class) || KERNEL_SIM.contain(FuseMount.class)).isFalse();
        assertThat(RACE_LAB.contain(Kernel.class) || RACE_LAB.contain(FuseMount.class)).isFalse();
        assertThat(FUSE_FS.contain(Kernel.class) || FUSE_FS.contain(RaceReplay.class)).isFalse();
    }

    @Test
    void kernelSimImportsNothingOfRaceLabOrFuseFs() {
        noClasses().should().dependOnClassesThat(classOf("race-lab", RACE_LAB).or(classOf("fuse-fs", FUSE_FS)))
                .check(KERNEL_SIM);
    }

    @Test
    void kernelSimHoldsNoRaceLabCode() {
        noClasses().should().haveSimpleNameStartingWith("Race").orShould().resideInAPackage("procsim.race..")
                .check(KERNEL_SIM);
    }

    @Test
    void raceLabImportsNothingOfFuseFsAndNoJnr() {
        noClasses().should().dependOnClassesThat(classOf("fuse-fs", FUSE_FS))
                .orShould().dependOnClassesThat().resideInAnyPackage(JNR)
                .check(RACE_LAB);
    }

    @Test
    void restorerImportsNothingOfKernelSimRaceLabOrFuseFsAndNoJnr() {
        noClasses().should().dependOnClassesThat(classOf("kernel-sim", KERNEL_SIM).or(classOf("race-lab", RACE_LAB))
                        .or(classOf("fuse-fs", FUSE_FS)))
                .orShould().dependOnClassesThat().resideInAnyPackage(JNR)
                .check(RESTORER);
    }

    @Test
    void raceLabHasNoRestorerProtocolOfItsOwn() {
        noClasses().should().haveSimpleNameEndingWith("RestorerPort").orShould().haveSimpleName("ProcFile")
                .orShould().haveSimpleNameEndingWith("Reply")
                .check(RACE_LAB);
    }

    @Test
    void onlyTheFusePackageImportsJnr() {
        for (JavaClasses module : new JavaClasses[] {KERNEL_SIM, RESTORER, RACE_LAB, FUSE_FS}) {
            noClasses().that().resideOutsideOfPackage("procsim.fuse..")
                    .should().dependOnClassesThat().resideInAnyPackage(JNR)
                    .check(module);
        }
    }
}
