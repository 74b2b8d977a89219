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

}  // namespace
}  // namespace godx
