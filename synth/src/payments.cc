// payment.made: one payment per month a grant covers, paid by the payment service on the first
// working day of the month (the first month a day or two after the decision), until the exit.
// The month field is the month paid for. Amounts: 4,000-5,600 NOK living with parents,
// 6,500-9,000 NOK in one's own home, 60 % for a partial grant, half in a first month that starts
// after the 15th, reduced while a sanction is in force; loans as the decision's form says.
#include <algorithm>

#include "processes.h"

namespace ledger::synth {

void EmitPayments(const Cohort& cohort, Participant& p, EventWriter& w) {
  Rng rng(StreamKey(cohort.seed, p.index, static_cast<uint64_t>(StreamTag::kPayments)));
  const WorkCalendar& cal = cohort.calendar;
  const Actor service{"svc-payments", "service"};
  for (size_t i = 0; i < p.decisions.size(); ++i) {
    const Decision& d = p.decisions[i];
    if (!d.paid) continue;
    const Day exit = p.episodes[d.episode].exit_day;
    const bool first_of_episode =
        i == 0 || p.decisions[i - 1].episode != d.episode || !p.decisions[i - 1].paid;
    for (int month = MonthIndex(d.from); month <= MonthIndex(d.to); ++month) {
      const Day first_day = FirstDayOfMonthIndex(month);
      const Day pay_day =
          std::max(cal.OnOrAfter(first_day), cal.AddWorkingDays(DayOf(d.at) + 1, 0));
      if (pay_day >= exit || pay_day >= cohort.window_end) break;
      double amount = p.base_grant * (d.partly ? 0.6 : 1.0) * (0.92 + 0.16 * rng.Unit());
      if (first_of_episode && month == MonthIndex(d.from) && CivilFromDay(d.from).day > 15) {
        amount *= 0.5;
      }
      for (const Sanction& s : p.sanctions) {
        if (s.from <= first_day && first_day <= s.to && s.lifted > pay_day) {
          amount = s.pct != 0 ? amount * (100 - s.pct) / 100.0 : amount - s.nok;
        }
      }
      const int main = std::max(500, static_cast<int>(amount / 10) * 10);
      const int extra_loan = rng.Range(5, 30) * 100;
      int grant = 0, loan = 0;
      switch (d.form) {
        case 0:
          grant = main;
          break;
        case 1:
          loan = main;
          break;
        default:
          grant = main;
          loan = extra_loan;
          break;
      }
      const Minute at = AtTime(pay_day, 8, rng.Range(0, 59));
      w.Emit(at, "payment.made", service, Basis::kAssistance, [&](Json& data) {
        data["decision_id"] = d.id;
        data["month"] = FormatMonthIndex(month);
        data["grant_nok"] = grant;
        data["loan_nok"] = loan;
      });
    }
  }
}

}  // namespace ledger::synth
