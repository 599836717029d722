//! The page: Flowmap's editor (see the library's docs).

fn main() {
    flowmap_app::start();
}
