// `std::visit(Overloaded{[](const A&) {...}, [](const B&) {...}}, variant)`: one lambda per alternative.
#pragma once

namespace vpc {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

}  // namespace vpc
