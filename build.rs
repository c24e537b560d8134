//! Build script: the default theme and the starter sites are compiled into
//! the binary (`include_dir!`), which sees a changed file but not a new or
//! removed one; naming the folders here rebuilds the binary on either.

fn main() {
    println!("cargo:rerun-if-changed=themes/default");
    println!("cargo:rerun-if-changed=starters");
}
