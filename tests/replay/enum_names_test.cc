// The replay library's enum tables against the JSON codec: the name at ordinal i must be the
// JSON code the ledger encodes to enumerant i, and every enumerant must have a name.
#include "enum_names.h"

#include <capnp/schema.h>
#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "ledger/event_codec.h"
#include "replay/event_view.h"

namespace ledger::replay {
namespace {

using nlohmann::json;

json Envelope(const std::string& type, json data) {
  return {{"id", "00000000-0000-4000-8000-000000000001"},
          {"stream", "case/sub-a"},
          {"type", type},
          {"occurred_at", "2009-01-05T10:00:00+01:00"},
          {"subject", "sub-a"},
          {"actor", {{"id", "cw-001"}, {"role", "caseworker"}}},
          {"legal_basis", {"NO:sotjl§18"}},
          {"data", std::move(data)}};
}

// Encodes `event` with the ledger's JSON codec and hands the decoded data to `read`.
void Decode(const json& event, const std::function<void(schema::Event::Data::Reader)>& read) {
  auto bytes = CanonicalEventFromJson(event.dump());
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString() << "\n" << event.dump();
  Entry entry;
  entry.event = *bytes;
  EventDecoder decoder;
  EventView view;
  ASSERT_TRUE(decoder.DecodeEntry(entry, &view).ok());
  read(view.data());
}

template <typename E>
unsigned EnumerantCount() {
  return capnp::Schema::from<E>().getEnumerants().size();
}

TEST(EnumNamesTest, PhasesMatchTheCodec) {
  ASSERT_EQ(internal::kPhaseCount, EnumerantCount<schema::Phase>());
  for (unsigned i = 0; i < internal::kPhaseCount; ++i) {
    std::string name(internal::PhaseNameAt(i));
    Decode(Envelope("phase.entered", {{"phase", name}}), [&](auto d) {
      EXPECT_EQ(static_cast<unsigned>(d.getPhaseEntered().getPhase()), i) << name;
      EXPECT_EQ(internal::PhaseName(d.getPhaseEntered().getPhase()), name);
    });
  }
  EXPECT_EQ(internal::PhaseNameAt(internal::kPhaseCount), "");
}

TEST(EnumNamesTest, StatusesMatchTheCodec) {
  ASSERT_EQ(internal::kObservedStatusCount, EnumerantCount<schema::ObservedStatus>());
  for (unsigned i = 0; i < internal::kObservedStatusCount; ++i) {
    std::string name(internal::ObservedStatusNameAt(i));
    Decode(Envelope("status.observed",
                    {{"as_of", "2009-01-05"}, {"status", name}, {"source", "register"}}),
           [&](auto d) {
             EXPECT_EQ(static_cast<unsigned>(d.getStatusObserved().getStatus()), i) << name;
           });
  }
}

TEST(EnumNamesTest, IncomeSourcesMatchTheCodec) {
  ASSERT_EQ(internal::kIncomeSourceCount, EnumerantCount<schema::IncomeSource>());
  for (unsigned i = 0; i < internal::kIncomeSourceCount; ++i) {
    std::string name(internal::IncomeSourceNameAt(i));
    Decode(Envelope("income.recorded", {{"as_of", "2009-01-05"}, {"main_source", name}}),
           [&](auto d) {
             EXPECT_EQ(static_cast<unsigned>(d.getIncomeRecorded().getMainSource()), i) << name;
           });
  }
}

TEST(EnumNamesTest, ActivitiesAndGroundsMatchTheCodec) {
  ASSERT_EQ(internal::kActivityCount, EnumerantCount<schema::Activity>());
  for (unsigned i = 0; i < internal::kActivityCount; ++i) {
    std::string name(internal::ActivityNameAt(i));
    Decode(Envelope("condition.set", {{"condition_id", "c1"},
                                      {"decision_id", "d1"},
                                      {"activity", name},
                                      {"start", "2009-01-05"},
                                      {"end", "2009-02-05"},
                                      {"hours_per_week", 10}}),
           [&](auto d) {
             EXPECT_EQ(static_cast<unsigned>(d.getConditionSet().getActivity()), i) << name;
           });
  }
  ASSERT_EQ(internal::kExemptionGroundCount, EnumerantCount<schema::ExemptionGround>());
  for (unsigned i = 0; i < internal::kExemptionGroundCount; ++i) {
    std::string name(internal::ExemptionGroundNameAt(i));
    Decode(Envelope("condition.exempted", {{"exemption_id", "e1"},
                                           {"decision_id", "d1"},
                                           {"ground", name},
                                           {"review_date", "2009-02-05"}}),
           [&](auto d) {
             EXPECT_EQ(static_cast<unsigned>(d.getConditionExempted().getGround()), i) << name;
           });
  }
}

TEST(EnumNamesTest, PurposesAndCategoriesMatchTheCodec) {
  ASSERT_EQ(internal::kPurposeCount, EnumerantCount<schema::Purpose>());
  ASSERT_EQ(5u, EnumerantCount<schema::DataCategory>());
  for (unsigned i = 0; i < internal::kPurposeCount; ++i) {
    std::string name(internal::PurposeNameAt(i));
    Decode(Envelope("processing.restricted", {{"purpose", name}}), [&](auto d) {
      EXPECT_EQ(static_cast<unsigned>(d.getProcessingRestricted().getPurpose()), i) << name;
      EXPECT_EQ(internal::PurposeName(d.getProcessingRestricted().getPurpose()), name);
    });
  }
  json categories = {"identity", "economy", "health", "education", "case_notes"};
  Decode(Envelope("disclosure.made", {{"disclosure_id", "dis-1"},
                                      {"recipient", "nav"},
                                      {"data_categories", categories},
                                      {"basis", "consent:con-1"},
                                      {"purpose", "case_coordination"}}),
         [&](auto d) {
           auto list = d.getDisclosureMade().getDataCategories();
           ASSERT_EQ(list.size(), 5u);
           for (unsigned i = 0; i < list.size(); ++i) {
             EXPECT_EQ(static_cast<unsigned>(list[i]), i);
             EXPECT_EQ(internal::DataCategoryName(list[i]), categories[i].get<std::string>());
           }
         });
}

TEST(EnumNamesTest, CloseReasonsMatchTheCodec) {
  ASSERT_EQ(internal::kCloseReasonCount, EnumerantCount<schema::CloseReason>());
  for (unsigned i = 0; i < internal::kCloseReasonCount; ++i) {
    std::string name(internal::CloseReasonNameAt(i));
    Decode(Envelope("case.closed", {{"reason", name}}), [&](auto d) {
      EXPECT_EQ(static_cast<unsigned>(d.getCaseClosed().getReason()), i) << name;
    });
  }
}

TEST(EnumNamesTest, EveryEventTypeHasItsCatalogueName) {
  auto fields = capnp::Schema::from<schema::Event::Data>().getUnionFields();
  ASSERT_EQ(fields.size(), 44u);
  for (auto field : fields) {
    auto type = static_cast<EventType>(field.getProto().getDiscriminantValue());
    std::string_view name = EventTypeName(type);
    EXPECT_NE(name, "unknown");
    // caseOpened -> case.opened, agreementTaskReviewed -> agreement.task_reviewed: the first
    // word, a dot, then the rest in snake case (as the $eventType annotations say).
    std::string camel = field.getProto().getName().cStr();
    std::string expected;
    bool dotted = false;
    for (char c : camel) {
      if (c >= 'A' && c <= 'Z') {
        expected += dotted ? '_' : '.';
        dotted = true;
        expected += static_cast<char>(c - 'A' + 'a');
      } else {
        expected += c;
      }
    }
    EXPECT_EQ(name, expected);
  }
  EXPECT_EQ(EventTypeName(static_cast<EventType>(44)), "unknown");
}

}  // namespace
}  // namespace ledger::replay
