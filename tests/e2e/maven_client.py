"""Debian's Maven, run offline against agora's Maven facade.

No Maven repository on the internet is reachable from the tests, so Maven runs from Debian's own
jars (scripts/setup.sh installs maven and the plugins of a `mvn deploy` lifecycle): the local
repository is a fresh symlink copy of /usr/share/maven-repo, whose relocation POMs map Maven's
default plugin versions to the packaged ones, and central is mirrored to an empty folder so that
anything not there fails at once. Plugins are called by their full coordinates (Debian's
repository has no plugin-prefix metadata). A `mvn` missing is a failure, never a skip.
"""
import os
import shutil
import subprocess
import tempfile
import xml.sax.saxutils

DEBIAN_REPOSITORY = "/usr/share/maven-repo"
DEPLOY_FILE = "org.apache.maven.plugins:maven-deploy-plugin:3.0.0:deploy-file"
COPY_DEPENDENCIES = "org.apache.maven.plugins:maven-dependency-plugin:3.5.0:copy-dependencies"
MVN_TIMEOUT = 300


def require_maven():
    """Fails (the tests must not skip) unless Debian's Maven and its repository are installed."""
    if not shutil.which("mvn") or not os.path.isdir(os.path.join(DEBIAN_REPOSITORY, "org/apache/maven/plugins/maven-deploy-plugin")):
        raise AssertionError("Debian's Maven is missing: run scripts/setup.sh (it installs maven and its plugins)")


def escape(text):
    return xml.sax.saxutils.escape(text)


class Server:
    """A <server> of settings.xml: Basic credentials, or a Bearer header sent on every request."""

    def __init__(self, server_id, username=None, password=None, bearer=None):
        self.id, self.username, self.password, self.bearer = server_id, username, password, bearer

    def xml(self):
        if self.bearer:
            body = ("<configuration><httpHeaders><property><name>Authorization</name>"
                    f"<value>Bearer {escape(self.bearer)}</value></property></httpHeaders></configuration>")
        else:
            body = f"<username>{escape(self.username)}</username><password>{escape(self.password)}</password>"
        return f"<server><id>{escape(self.id)}</id>{body}</server>"


class MavenEnvironment:
    """settings.xml with the given servers, over a local repository made fresh by `fresh_repository`."""

    def __init__(self, directory, servers):
        require_maven()
        self.directory = directory
        self.empty = os.path.join(directory, "empty-central")
        os.makedirs(self.empty, exist_ok=True)
        self.servers = servers

    def fresh_repository(self, name):
        """A clean local repository: nothing but Debian's jars."""
        path = os.path.join(self.directory, name)
        shutil.rmtree(path, ignore_errors=True)
        subprocess.run(["cp", "-rs", DEBIAN_REPOSITORY, path], check=True)
        return path

    def settings(self, repository):
        path = os.path.join(self.directory, f"settings-{os.path.basename(repository)}.xml")
        with open(path, "w") as f:
            f.write(f"""<settings>
  <localRepository>{escape(repository)}</localRepository>
  <mirrors><mirror><id>no-central</id><mirrorOf>central</mirrorOf><url>file://{escape(self.empty)}</url></mirror></mirrors>
  <servers>{''.join(s.xml() for s in self.servers)}</servers>
</settings>
""")
        return path

    def run(self, args, repository, cwd=None):
        """Runs mvn in batch mode; returns (exit code, everything it printed)."""
        command = ["mvn", "-B", "-ntp", "-s", self.settings(repository), *args]
        try:
            result = subprocess.run(command, cwd=cwd or self.directory, capture_output=True, text=True,
                                    timeout=MVN_TIMEOUT, env={**os.environ, "MAVEN_OPTS": "-Xmx256m -XX:TieredStopAtLevel=1"})
        except subprocess.TimeoutExpired as e:
            raise AssertionError(f"mvn {' '.join(args)} ran for over {MVN_TIMEOUT} s:\n{e.stdout}") from None
        return result.returncode, result.stdout + result.stderr

    def deploy_file(self, repository, url, server_id, file, group, artifact, version, classifier=None,
                    packaging="jar", extra=()):
        args = [DEPLOY_FILE, f"-Dfile={file}", f"-DgroupId={group}", f"-DartifactId={artifact}",
                f"-Dversion={version}", f"-Dpackaging={packaging}", f"-DrepositoryId={server_id}", f"-Durl={url}",
                *extra]
        if classifier:
            args.append(f"-Dclassifier={classifier}")
        return self.run(args, repository)


def scratch(directory, prefix):
    return tempfile.mkdtemp(prefix=prefix, dir=directory)
