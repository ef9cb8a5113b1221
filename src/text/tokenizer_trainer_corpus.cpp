// The built-in training corpus: hand-written prose and code, plus generated variations of it
// (dialogues, numbers, lists) so that small demo tokenizers see a realistic mix of text.
#include <cstdint>
#include <string>
#include <vector>

#include "text/tokenizer_trainer.h"

namespace slipway::text {
namespace {

const char* const kProse[] = {
    "The old lighthouse stood at the edge of the cliff, its paint faded by a hundred winters. "
    "Every evening the keeper climbed the spiral stairs, trimmed the wick, and watched the "
    "ships pass in silence. Nobody in the village remembered when the light had last failed.",
    "When you start a new project, write down what it must do before you decide how it will "
    "do it. A short list of requirements saves weeks of work later, because every change to "
    "a design is cheaper on paper than in code.",
    "Rain fell steadily over the city. People hurried along the pavement with their collars "
    "turned up, and the cafes filled with the smell of wet coats and fresh coffee. By noon the "
    "streets were quiet again, shining under a pale grey sky.",
    "A language model predicts the next token from the tokens before it. It does not read "
    "words the way we do; it reads pieces of words, numbers, spaces and punctuation, each "
    "mapped to an integer. The tokenizer decides where those pieces begin and end.",
    "My grandmother kept a garden behind the house. She grew tomatoes, beans, onions and a "
    "row of sunflowers taller than the fence. In August we ate our dinner outside, and she "
    "told stories about the years she spent working on the railway.",
    "To make bread, mix flour, water, salt and yeast. Knead the dough for ten minutes until "
    "it is smooth, then let it rise for an hour in a warm place. Shape the loaf, let it rise "
    "again, and bake it at two hundred and twenty degrees for thirty-five minutes.",
    "The committee met on Tuesday to review the budget. After a long discussion, they agreed "
    "to fund the new library, repair the bridge over the river, and postpone the stadium "
    "until next year. The mayor said the decision was difficult but fair.",
    "Servers fail in interesting ways. A disk fills up, a certificate expires, a clock drifts, "
    "or a single slow request holds a lock that everything else is waiting for. Good systems "
    "are not the ones that never fail; they are the ones that fail clearly and recover.",
    "It was the kind of morning that makes you want to walk without a destination. The air "
    "was cold and clear, the hills were covered with frost, and somewhere far away a dog was "
    "barking at nothing in particular.",
    "Questions are often more useful than answers. Why does this test fail only on Fridays? "
    "What happens if the input is empty? Who will read this message, and what will they need "
    "to know? Asking the right question is half of the solution.",
    "The river rises in the mountains, runs through forests and farmland, and reaches the sea "
    "after four hundred kilometres. Along the way it feeds three lakes, turns the wheels of "
    "old mills, and gives its name to a dozen towns.",
    "I don't think we're ready yet. We've tested the happy path, but we haven't tried what "
    "happens when the network drops in the middle of an upload. Let's spend one more day on "
    "it; I'd rather ship late than ship something we can't trust.",
    "History is full of small accidents with large consequences. A letter arrives a day late, "
    "a bridge is left unguarded, a scientist forgets to clean a dish before a holiday. We "
    "remember the results and forget how close they came to not happening at all.",
    "The train left the station at seven fifteen. Through the window she watched the suburbs "
    "give way to fields, then to woods, then to the long grey line of the coast. She opened "
    "her book, read the same page three times, and finally closed it.",
    "Good documentation answers three questions: what is this, how do I use it, and what do I "
    "do when it breaks? Examples matter more than long explanations, and an accurate short "
    "page is worth more than a complete one that nobody keeps up to date.",
    "The cat sat on the windowsill, watching the birds in the garden with great attention and "
    "no intention of doing anything about them. Every few minutes its tail twitched, as if it "
    "were dreaming of a more ambitious afternoon.",
};

const char* const kCode[] = {
    "#include <iostream>\n#include <vector>\n\nint main() {\n  std::vector<int> values = {3, 1, 4, "
    "1, 5, 9, 2, 6};\n  int sum = 0;\n  for (int v : values) {\n    sum += v;\n  }\n  std::cout << "
    "\"sum = \" << sum << std::endl;\n  return 0;\n}\n",
    "def fibonacci(n):\n    \"\"\"Return the first n Fibonacci numbers.\"\"\"\n    a, b = 0, 1\n   "
    " "
    "result = []\n    for _ in range(n):\n        result.append(a)\n        a, b = b, a + b\n    "
    "return result\n\n\nif __name__ == \"__main__\":\n    print(fibonacci(10))\n",
    "function debounce(fn, delay) {\n  let timer = null;\n  return (...args) => {\n    "
    "clearTimeout(timer);\n    timer = setTimeout(() => fn(...args), delay);\n  };\n}\n\nconst "
    "save = debounce(() => console.log('saved'), 250);\n",
    "{\n  \"name\": \"example\",\n  \"version\": \"1.2.3\",\n  \"dependencies\": {\n    "
    "\"left-pad\": "
    "\"^1.3.0\"\n  },\n  \"scripts\": {\n    \"test\": \"node test.js\"\n  }\n}\n",
    "SELECT users.id, users.name, COUNT(orders.id) AS order_count\nFROM users\nLEFT JOIN orders ON "
    "orders.user_id = users.id\nWHERE users.created_at > '2024-01-01'\nGROUP BY users.id, "
    "users.name\nORDER BY order_count DESC\nLIMIT 10;\n",
    "#!/usr/bin/env bash\nset -euo pipefail\nfor file in *.txt; do\n  if [ -s \"$file\" ]; then\n  "
    "  "
    "echo \"processing $file\"\n    wc -l \"$file\"\n  fi\ndone\n",
    "struct Point {\n  double x = 0.0;\n  double y = 0.0;\n};\n\ndouble distance(const Point& a, "
    "const Point& b) {\n  double dx = a.x - b.x;\n  double dy = a.y - b.y;\n  return std::sqrt(dx "
    "* "
    "dx + dy * dy);\n}\n",
    "class Stack:\n    def __init__(self):\n        self._items = []\n\n    def push(self, "
    "item):\n  "
    "      self._items.append(item)\n\n    def pop(self):\n        if not self._items:\n           "
    " "
    "raise IndexError(\"pop from empty stack\")\n        return self._items.pop()\n",
};

const char* const kNames[] = {"Alice", "Bob", "Carol", "David", "Emma", "Farid", "Grace", "Hiro"};
const char* const kThings[] = {"book",   "report", "server", "garden", "recipe",
                               "bridge", "song",   "model",  "letter", "engine"};
const char* const kVerbs[] = {"finished", "opened", "repaired", "wrote", "checked",
                              "planted",  "tested", "moved",    "found", "cleaned"};

// A small deterministic generator (no dependence on the standard library's engines).
struct Lcg {
  uint64_t state;
  uint32_t next() {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>(state >> 33);
  }
  template <typename T, size_t N>
  const T& pick(const T (&items)[N]) {
    return items[next() % N];
  }
};

std::vector<std::string> build() {
  std::vector<std::string> corpus;
  for (const char* p : kProse) corpus.emplace_back(p);
  for (const char* c : kCode) corpus.emplace_back(c);
  Lcg rng{20240611};
  for (int i = 0; i < 600; ++i) {
    std::string name = rng.pick(kNames), other = rng.pick(kNames);
    std::string thing = rng.pick(kThings), verb = rng.pick(kVerbs);
    uint32_t n = rng.next() % 1000, m = rng.next() % 100;
    switch (i % 5) {
      case 0:
        corpus.push_back("User: Has " + name + " " + verb + " the " + thing +
                         " yet?\nAssistant: Yes, " + name + " " + verb + " it " +
                         std::to_string(m) + " minutes ago.\n");
        break;
      case 1:
        corpus.push_back("The sum of " + std::to_string(n) + " and " + std::to_string(m) + " is " +
                         std::to_string(n + m) + ", and their product is " + std::to_string(n * m) +
                         ".");
        break;
      case 2:
        corpus.push_back("- " + name + ": " + thing + " (" + std::to_string(m) + "%)\n- " + other +
                         ": " + rng.pick(kThings) + " (" + std::to_string(100 - m) + "%)\n");
        break;
      case 3:
        corpus.push_back("    if (" + thing + "_count > " + std::to_string(m) +
                         ") {\n        return " + thing + "s[" + std::to_string(n % 10) +
                         "];\n    }\n");
        break;
      default:
        corpus.push_back(std::string(rng.pick(kProse)) + " " + name + " said that " + other +
                         " had " + verb + " the " + thing + ".");
        break;
    }
  }
  return corpus;
}

}  // namespace

const std::vector<std::string>& builtin_training_corpus() {
  static const std::vector<std::string> corpus = build();
  return corpus;
}

}  // namespace slipway::text
