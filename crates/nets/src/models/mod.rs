//! The recurrent networks: the leaky RNN of Yang et al. (2019) ([`leaky`]) and the echo-state
//! reservoir with a ridge-regression readout ([`reservoir`]).

pub mod leaky;
pub mod reservoir;
