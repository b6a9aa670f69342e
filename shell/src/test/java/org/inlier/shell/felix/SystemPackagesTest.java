package org.inlier.shell.felix;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemPackagesTest {

    @TempDir
    Path dir;

    @Test
    void exportPackageVersionsSurviveQuotedUsesListsAndSharedClauses() {
        assertThat(SystemPackages.declaredVersions(
                "com.a;uses:=\"com.b,com.c\";version=\"2.18.2\",com.b;com.c;version=2.0,com.d"))
                .containsEntry("com.a", "2.18.2").containsEntry("com.b", "2.0").containsEntry("com.c", "2.0")
                .containsEntry("com.d", "0.0.0").hasSize(4);
    }

    @Test
    void everyClassPackageOfALibraryIsExportedWithTheVersionItDeclares() throws IOException {
        Path library = jar("library.jar", "com.example.x;version=\"1.2.3\"",
                "com/example/x/A.class", "com/example/y/B.class", "META-INF/versions/11/com/example/z/C.class", "com/example/notes.txt");

        String exports = SystemPackages.of(List.of(ClassPathEntry.of(library)));

        assertThat(exports).isEqualTo("com.example.x;version=\"1.2.3\",com.example.y;version=\"0.0.0\"");
    }

    private Path jar(String name, String exportPackage, String... entries) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Export-Package", exportPackage);
        Path jar = dir.resolve(name);
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            for (String entry : entries) {
                out.putNextEntry(new JarEntry(entry));
                out.closeEntry();
            }
        }
        return jar;
    }
}
