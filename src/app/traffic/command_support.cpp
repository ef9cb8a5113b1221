#include "app/traffic/traffic_commands.h"

namespace slipway::app::traffic {

CLI::Option* add_route_argument(CLI::App& cmd, std::string& route) {
  return cmd.add_option("route", route, "Route name (the model name clients send)")->required();
}

}  // namespace slipway::app::traffic
