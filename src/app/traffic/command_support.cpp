#include "app/traffic/traffic_commands.h"

namespace slipway::app::traffic {

void print_answer(const CommonFlags& common, const Json& answer,
                  const std::function<std::string(const Json&)>& render) {
  if (common.json) {
    print_json(answer);
  } else {
    print_text(render(answer));
  }
}

CLI::Option* add_route_argument(CLI::App& cmd, std::string& route) {
  return cmd.add_option("route", route, "Route name (the model name clients send)")->required();
}

}  // namespace slipway::app::traffic
