#include "names.h"

#include <array>
#include <string_view>

namespace ledger::synth {
namespace {

constexpr std::array<std::string_view, 40> kMaleNames = {
    "Andreas",  "Kristian",  "Martin",    "Marius", "Thomas", "Kristoffer", "Daniel", "Jonas",
    "Stian",    "Magnus",    "Fredrik",   "Even",   "Sindre", "Espen",      "Eirik",  "Henrik",
    "Joakim",   "Mathias",   "Anders",    "Ole",    "Lars",   "Sander",     "Tobias", "Emil",
    "Adrian",   "Sebastian", "Alexander", "Håkon",  "Øyvind", "Jørgen",     "Vegard", "Petter",
    "Mohammed", "Ali",       "Ahmed",     "Emir",   "Kevin",  "Robin",      "Thor",   "Bjørn"};

constexpr std::array<std::string_view, 40> kFemaleNames = {
    "Ida",    "Ingrid", "Julie",   "Marte",    "Silje", "Camilla",  "Kristine", "Maria",
    "Thea",   "Hanne",  "Line",    "Stine",    "Marie", "Kaja",     "Emilie",   "Nora",
    "Sara",   "Amalie", "Tonje",   "Karoline", "Hilde", "Linn",     "Malin",    "Mari",
    "Helene", "Vilde",  "Synnøve", "Åse",      "Tiril", "Frida",    "Martine",  "Hedda",
    "Amina",  "Fatima", "Hiba",    "Sofie",    "Elise", "Mathilde", "Anja",     "Guro"};

constexpr std::array<std::string_view, 48> kSurnames = {
    "Hansen",   "Johansen",      "Olsen",     "Larsen",    "Andersen",    "Pedersen",
    "Nilsen",   "Kristiansen",   "Jensen",    "Karlsen",   "Johnsen",     "Pettersen",
    "Eriksen",  "Berg",          "Haugen",    "Hagen",     "Johannessen", "Andreassen",
    "Jacobsen", "Dahl",          "Jørgensen", "Halvorsen", "Henriksen",   "Lund",
    "Sørensen", "Strand",        "Solberg",   "Moen",      "Gundersen",   "Iversen",
    "Bakken",   "Kristoffersen", "Svendsen",  "Martinsen", "Rasmussen",   "Amundsen",
    "Lie",      "Holm",          "Berge",     "Myhre",     "Ahmed",       "Ali",
    "Khan",     "Nguyen",        "Hussain",   "Yilmaz",    "Mohamed",     "Kaya"};

}  // namespace

std::string SyntheticName(Rng& rng, bool male) {
  const std::string_view given = male ? kMaleNames[rng.Below(kMaleNames.size())]
                                      : kFemaleNames[rng.Below(kFemaleNames.size())];
  const std::string_view surname = kSurnames[rng.Below(kSurnames.size())];
  std::string name;
  name.reserve(given.size() + 1 + surname.size());
  name.append(given).append(" ").append(surname);
  return name;
}

}  // namespace ledger::synth
