#include "core/rejoin.h"

#include <gtest/gtest.h>

#include "core/scanner.h"

namespace godx {
namespace {

// A toy record "rec A B C." of three numbers and a full stop, parsed as far as it goes.
bool ParseToy(std::string_view text, size_t* stop) {
  Scanner s(text);
  uint64_t v;
  bool ok = s.Literal("rec ") && s.Uint(&v) && s.Char(' ') && s.Uint(&v) && s.Char(' ') &&
            s.Uint(&v) && s.Char('.');
  if (!ok && stop) *stop = s.Consumed(text);
  return ok && s.AtEnd();
}

TEST(RejoinRecord, GluesFragmentsAndSkipsProgramOnlyLines) {
  std::string_view text =
      "rec 1{program line one}\n"
      "{program line two}\n"
      "2 3{program line three}\n"
      " 4.\n"
      "after\n";
  LineCursor lines(text);
  std::string_view head;
  ASSERT_TRUE(lines.Next(&head));
  size_t stop = 0;
  ASSERT_FALSE(ParseToy(head, &stop));
  std::string record;
  uint64_t program_lines = 0;
  ASSERT_TRUE(RejoinRecord(head, stop, &lines, ParseToy, &record, &program_lines));
  EXPECT_EQ(record, "rec 12 3 4.");  // "1" and "2" are one number cut in two
  EXPECT_EQ(program_lines, 3u);
  std::string_view next;
  ASSERT_TRUE(lines.Next(&next));
  EXPECT_EQ(next, "after");
}

// Runs RejoinRecord on the first line of `text` as the head; true when it gives up and leaves
// the cursor where it was.
bool GivesUpInPlace(std::string_view text) {
  LineCursor lines(text);
  std::string_view head;
  lines.Next(&head);
  size_t stop = 0;
  ParseToy(head, &stop);
  std::string record;
  uint64_t program_lines = 0;
  bool joined = RejoinRecord(head, stop, &lines, ParseToy, &record, &program_lines);
  return !joined && lines.line_number() == 1;
}

TEST(RejoinRecord, GivesUpWithoutMovingTheCursor) {
  EXPECT_TRUE(GivesUpInPlace("rec 1{x}\nnothing\nmore\n"));
}

// A line that starts a new record ends the search: the fragment after it belongs to that record,
// and a bad line that merely starts like a record does not cost a search of 32 lines.
TEST(RejoinRecord, StopsAtTheNextRecord) {
  EXPECT_TRUE(GivesUpInPlace("rec 1{x}\nrec 2 3 4.\n 5 6.\n"));
}

// The prefixes kubectl logs puts before each line: --timestamps (RFC 3339 with nanoseconds, or an
// offset), --prefix ("[pod/NAME/CONTAINER] "), and both.
TEST(LogPrefixLength, FindsCollectorPrefixes) {
  EXPECT_EQ(LogPrefixLength("2024-08-09T01:45:13.123456789Z gc 1 @0.01s"), 31u);
  EXPECT_EQ(LogPrefixLength("2024-08-09T01:45:13+02:00 SCHED 0ms:"), 26u);
  EXPECT_EQ(LogPrefixLength("2024-08-09T01:45:13Z   P0: status=1"), 21u);
  EXPECT_EQ(LogPrefixLength("[pod/web-0/app] gc 1 @0.01s"), 16u);
  EXPECT_EQ(LogPrefixLength("[pod/web-0/app] 2024-08-09T01:45:13.1Z gc 1"), 39u);
}

TEST(LogPrefixLength, LeavesRecordsAndProgramTextAlone) {
  EXPECT_EQ(LogPrefixLength("gc 1 @0.01s 0%: ..."), 0u);
  EXPECT_EQ(LogPrefixLength("[0 0]"), 0u);          // a fragment of a SCHED record's run queues
  EXPECT_EQ(LogPrefixLength("[ 0 0 ] schedticks"), 0u);
  EXPECT_EQ(LogPrefixLength("[0]"), 0u);
  EXPECT_EQ(LogPrefixLength("2024-08-09 01:45:13 x"), 0u);  // not kubectl's form
  EXPECT_EQ(LogPrefixLength("2024-08-09T01:45:13.5Zgc"), 0u);
  EXPECT_EQ(LogPrefixLength("15 MB, 4 MB goal, 2 P"), 0u);
}

// Both fragments behind the collector's prefix: the second is read past its prefix.
TEST(RejoinRecord, LooksPastThePrefixOfEveryFragment) {
  std::string_view text =
      "[pod/x/c] rec 1{program line one}\n"
      "[pod/x/c] {program line two}\n"
      "[pod/x/c] 2 3 4.\n";
  LineCursor lines(text);
  std::string_view head;
  ASSERT_TRUE(lines.Next(&head));
  head.remove_prefix(LogPrefixLength(head));
  size_t stop = 0;
  ASSERT_FALSE(ParseToy(head, &stop));
  std::string record;
  uint64_t program_lines = 0;
  EXPECT_FALSE(RejoinRecord(head, stop, &lines, ParseToy, &record, &program_lines));
  ASSERT_TRUE(RejoinRecord(head, stop, &lines, ParseToy, &record, &program_lines,
                           /*prefixed=*/true));
  EXPECT_EQ(record, "rec 12 3 4.");
  EXPECT_EQ(program_lines, 2u);
}

}  // namespace
}  // namespace godx
