#include "cli/data_dir.h"

#include <gtest/gtest.h>

#include <fstream>

#include "storage/testing.h"

namespace agora::cli {
namespace {

TEST(CheckMetadataUrlTest, TakesPostgresUrlsWithoutAPassword) {
  EXPECT_TRUE(CheckMetadataUrl("postgresql://agora@db.example:5432/agora").ok());
  EXPECT_TRUE(CheckMetadataUrl("postgres://agora@127.0.0.1/agora?sslmode=require").ok());
  EXPECT_TRUE(CheckMetadataUrl("postgresql:///agora?host=/run/postgresql").ok());
}

TEST(CheckMetadataUrlTest, RefusesOtherSchemesAndPasswords) {
  for (const std::string url : {"", "agora.db", "mysql://agora@db/agora", "host=db dbname=agora"})
    EXPECT_EQ(CheckMetadataUrl(url).code(), "USAGE") << url;
  for (const std::string url : {"postgresql://agora:secret@db/agora", "postgresql://db/agora?password=secret",
                                "postgresql://db/agora?sslmode=disable&password=secret"}) {
    const Status st = CheckMetadataUrl(url);
    EXPECT_EQ(st.code(), "USAGE") << url;
    EXPECT_NE(st.message().find("PGPASSWORD"), std::string::npos) << "says where the password goes instead";
    EXPECT_EQ(st.message().find("secret"), std::string::npos) << "never repeats it";
  }
}

TEST(DataDirTest, EmbeddedByDefault) {
  storage::testing::TempDir dir;
  auto opened = DataDir::Open(StorageLocation(dir.Path("data")));
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_FALSE(opened->shared);
  EXPECT_FALSE(opened->shared_blobs);
  EXPECT_TRUE(std::ifstream(dir.Path("data/agora.db")).good());
}

TEST(DataDirTest, APasswordFileGoesWithMetadataOnly) {
  storage::testing::TempDir dir;
  StorageLocation location(dir.Path("data"));
  location.metadata_password_file = dir.Path("password");
  EXPECT_EQ(DataDir::Open(location).status().code(), "USAGE");
  location.metadata = "postgresql://agora@127.0.0.1:1/agora";
  const Status unreadable = DataDir::Open(location).status();
  EXPECT_EQ(unreadable.code(), "USAGE") << "a missing password file is named before any connection";
  EXPECT_NE(unreadable.message().find("password"), std::string::npos);
}

TEST(DataDirTest, ABadMetadataUrlIsRefusedBeforeAnyConnection) {
  storage::testing::TempDir dir;
  StorageLocation location(dir.Path("data"));
  location.metadata = "postgresql://agora:secret@127.0.0.1:1/agora";
  EXPECT_EQ(DataDir::Open(location).status().code(), "USAGE");
}

}  // namespace
}  // namespace agora::cli
