package dev.hubbub.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.hubbub.feed.RoomOwners;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.type;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** The package rules the architecture depends on, checked on the compiled classes. */
class PackageRulesTest {

  private static JavaClasses hub;

  @BeforeAll
  static void importHub() {
    hub = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.hubbub");
  }

  @Test
  void noPackageDependsOnItselfThroughAnother() {
    slices().matching("dev.hubbub.(**)").should().beFreeOfCycles().check(hub);
  }

  @Test
  void theProtocolDependsOnNothingOfOurs() {
    noClasses().that().resideInAPackage("dev.hubbub.protocol..")
        .should().dependOnClassesThat(resideInAPackage("dev.hubbub..").and(not(resideInAPackage("dev.hubbub.protocol.."))))
        .check(hub);
  }

  /**
   * Bridges reach the core through the event bus only, which is what lets another node or a polyglot
   * client stand in for either side. {@code RoomOwners} only names the bus address of a room's owner.
   */
  @Test
  void bridgesReachTheCoreOnlyThroughTheEventBus() {
    noClasses().that().resideInAPackage("dev.hubbub.bridge..")
        .should().dependOnClassesThat(resideInAnyPackage("dev.hubbub.feed..", "dev.hubbub.store..", "dev.hubbub.cluster..")
            .and(not(type(RoomOwners.class))))
        .check(hub);
  }
}
