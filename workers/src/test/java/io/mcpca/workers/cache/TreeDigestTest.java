package io.mcpca.workers.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every change the analyzer could see gives another digest; nothing else does (decision 034). */
class TreeDigestTest {

    @TempDir
    Path tmp;
    Path tree;

    @BeforeEach
    void tree() throws IOException {
        tree = Files.createDirectories(tmp.resolve("repo/tree"));
        Files.createDirectories(tree.resolve("src"));
        Files.writeString(tree.resolve("src/a.py"), "import b\n");
        Files.writeString(tree.resolve("src/b.py"), "x = 1\n");
    }

    @Test
    void anUnchangedTreeKeepsItsDigest() {
        assertThat(TreeDigest.of(tree)).startsWith("tree:").isEqualTo(TreeDigest.of(tree));
    }

    @Test
    void anEditWithSizeAndMtimeRestoredIsStillSeen() throws IOException {
        // what cp -p, touch -d and rsync -t do: ctime still moves
        assertSeen(b -> {
            FileTime mtime = Files.getLastModifiedTime(b);
            Files.setLastModifiedTime(Files.writeString(b, "x = 2\n"), mtime);
        });
    }

    @Test
    void aFileSwappedInByRenameIsSeen() throws IOException {
        assertSeen(b -> {
            Path swap = Files.writeString(tmp.resolve("b.new"), "x = 3\n");
            Files.setLastModifiedTime(swap, Files.getLastModifiedTime(b));
            Files.move(swap, b, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        });
    }

    interface Change {
        void apply(Path file) throws IOException;
    }

    /** {@code change} of src/b.py keeps its size and mtime, and still changes the digest. */
    private void assertSeen(Change change) throws IOException {
        String before = TreeDigest.of(tree);
        Path b = tree.resolve("src/b.py");
        FileTime mtime = Files.getLastModifiedTime(b);
        change.apply(b);
        assertThat(Files.size(b)).isEqualTo(6);
        assertThat(Files.getLastModifiedTime(b)).isEqualTo(mtime);
        assertThat(TreeDigest.of(tree)).isNotEqualTo(before);
    }

    @Test
    void addedAndDeletedFilesAreSeen() throws IOException {
        String before = TreeDigest.of(tree);
        Files.writeString(tree.resolve("src/c.py"), "");
        String added = TreeDigest.of(tree);
        assertThat(added).isNotEqualTo(before);
        Files.delete(tree.resolve("src/c.py"));
        Files.delete(tree.resolve("src/b.py"));
        assertThat(TreeDigest.of(tree)).isNotIn(before, added);
    }

    @Test
    void ignoreFilesInsideAndAboveTheTreeAreInputs() throws IOException {
        String before = TreeDigest.of(tree);
        Files.writeString(tree.resolve(".gitignore"), "b.py\n");
        String inside = TreeDigest.of(tree);
        assertThat(inside).isNotEqualTo(before);
        Files.writeString(tmp.resolve("repo/.gitignore"), "a.py\n");
        String above = TreeDigest.of(tree);
        assertThat(above).isNotEqualTo(inside);
        Files.createDirectories(tree.resolve(".git/info"));
        Files.writeString(tree.resolve(".git/HEAD"), "ref: refs/heads/main\n");
        assertThat(TreeDigest.of(tree)).as(".git is not walked").isEqualTo(above);
        Files.writeString(tree.resolve(".git/info/exclude"), "src/\n");
        assertThat(TreeDigest.of(tree)).as("but its info/exclude decides what the walk lists").isNotEqualTo(above);
    }
}
